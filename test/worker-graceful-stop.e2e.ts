import { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { startWorker } from '../apps/worker/src/main.js';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { kill, spawnWorker } from './support/worker-process.js';
import { DisposableRedis, freePort } from './support/disposable-redis.js';
import { untilQuiet } from './support/processors.js';
import { MAIL_CRASH_ENV, openCycleOfSevenLeads } from './support/mail-crash.js';

const MAIL_ENV = MAIL_CRASH_ENV;

/**
 * A worker stopped the way a deploy stops it (SIGTERM) while mails are with the SMTP server: it finishes them and
 * records each sent before it closes the database, so the worker started after it sends none of them again. An
 * operator's test found 8 of 60 sent twice this way: the queue workers were closed after the database.
 */
describe('a worker stopped with SIGTERM mid-batch (e2e)', () => {
  let product: Product;
  let child: ChildProcess | null = null;
  let restarted: INestApplicationContext | null = null;
  let call: ReturnType<typeof http>;

  beforeAll(async () => {
    product = await startProduct('graceful_stop', undefined, MAIL_ENV);
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(async () => {
    if (child) await kill(child);
    await restarted?.close();
    await product.stop();
  });

  it('finishes and records the mails in hand, and the next worker sends none of them twice', async () => {
    await openCycleOfSevenLeads(product, call, 'deploy', 'Deploy cycle');

    await product.worker.close();
    child = spawnWorker(product.config, MAIL_ENV);
    product.smtp.delayMs = 1_000;
    const chaseMails = () => product.smtp.mails.filter((m) => m.subject.includes('Please send'));
    const recorded = async () =>
      (
        await product.db.dataSource.query(
          `SELECT count(*)::int AS n FROM events WHERE type = 'ReminderSent' AND stream_id LIKE 'chase:sevenoaks-lsp~deploy:%'`,
        )
      )[0].n as number;

    expect((await call('POST', '/cycles/deploy/chase', as.coordinator)).status).toBe(202);
    // Stopped while the server holds mails it has not answered yet.
    await eventually(async () => product.smtp.offered.some((m) => !product.smtp.mails.includes(m)), 30_000);
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
    child = null;
    // Nest runs its shutdown hooks and then raises the signal again on itself.
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
    // Every mail the server accepted is in the log as sent: nothing for the next worker to send again.
    expect(await recorded()).toBe(chaseMails().length);
    expect(chaseMails().length).toBeGreaterThan(0);

    product.smtp.delayMs = 0;
    restarted = await startWorker(product.config, { relayPollIntervalMs: 25 });
    await eventually(async () => chaseMails().length >= 7, 20_000);
    await untilQuiet(product);
    const to = chaseMails()
      .flatMap((m) => m.to)
      .sort();
    expect(to).toHaveLength(7);
    expect(new Set(to).size).toBe(7);
    expect(await recorded()).toBe(7);
  });

  // An operator's probe: SIGTERM with Redis away waited out the whole SHUTDOWN_TIMEOUT_MS (BullMQ's close waits for
  // a Redis that does not answer) and then exited 1, as a worker that hung. It holds nothing a Redis that is away
  // could have given it, and what it held is owed again from the events and ledgers: it stops at once, cleanly.
  it('stops promptly and cleanly on SIGTERM while its Redis is away', async () => {
    const redis = new DisposableRedis(await freePort());
    await redis.start();
    const port = await freePort();
    try {
      child = spawnWorker({ ...product.config, redisUrl: redis.url }, { WORKER_METRICS_PORT: String(port) });
      await eventually(
        () =>
          fetch(`http://127.0.0.1:${port}/health`).then(
            (r) => r.ok,
            () => false,
          ),
        60_000,
      );
      await redis.stop();
      const exited = once(child, 'exit');
      const asked = Date.now();
      child.kill('SIGTERM');
      const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
      child = null;
      // The same clean stop as a worker with its Redis (the timeout's is exit code 1), within a couple of seconds.
      expect({ code, signal }).toEqual({ code: null, signal: 'SIGTERM' });
      expect(Date.now() - asked).toBeLessThan(3_000);
    } finally {
      await redis.stop();
    }
  }, 60_000);

  // The worker closed a second time (Nest lets a closed app be closed again; the tests' teardowns do) disconnected
  // its Redis clients again, and ioredis armed a 2 s timer for each that nothing cleared: the process ran on 2 s
  // after its close, and jest said the file's worker "failed to exit gracefully".
  it('closed twice, leaves nothing running and its process exits by itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'closed-twice-'));
    const report = join(dir, 'ran-on-ms');
    try {
      child = spawnWorker(product.config, { CLOSED_REPORT_FILE: report }, [
        join(__dirname, 'support/closed-twice-process.ts'),
      ]);
      const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
      child = null;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      // ioredis's timer is 2 s; a process with nothing left running exits in a few milliseconds.
      expect(Number(readFileSync(report, 'utf8'))).toBeLessThan(1_500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
