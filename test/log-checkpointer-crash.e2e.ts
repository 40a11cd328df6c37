import { ChildProcess } from 'node:child_process';
import { Client } from 'pg';
import { LOG_CHECKPOINTS_STREAM, LogCheckpointed, verifyLog } from '../libs/event-store/src/index.js';
import { freePort } from './support/api-process.js';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { kill, spawnWorker } from './support/worker-process.js';

const EVERY_MS = 6_000;

/**
 * An operator being unkind to the worker that checkpoints the tamper-evident log: killed (SIGKILL) while its
 * checkpoint's append waits on a lock, then killed again and again, each time within a few seconds of starting.
 * Found: a worker took its first checkpoint a full LOG_CHECKPOINT_EVERY_MS after it started, so a worker that
 * never lived that long (a crash loop, frequent deploys) never took one, and the log went unchecked meanwhile.
 */
describe('log checkpoints through worker kills (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let child: ChildProcess | null = null;

  beforeAll(async () => {
    // The in-process worker's interval is long: the workers in their own processes take the checkpoints here.
    product = await startProduct('log_checkpointer_crash', undefined, {
      LOG_CHECKPOINT_EVERY_MS: '86400000',
    });
    await product.worker.close();
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(async () => {
    if (child) await kill(child);
    await product.stop();
  });

  const checkpoints = async () =>
    (await product.store.readStream(LOG_CHECKPOINTS_STREAM)).map((e) => e as LogCheckpointed);

  /** A worker in its own process, once its listener answers (its services have all started). */
  async function worker(): Promise<ChildProcess> {
    const port = await freePort();
    const started = spawnWorker(product.config, {
      LOG_CHECKPOINT_EVERY_MS: String(EVERY_MS),
      WORKER_METRICS_PORT: String(port),
    });
    await eventually(
      () =>
        fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.ok,
          () => false,
        ),
      120_000,
    );
    return started;
  }

  let drafted = 0;
  const draftCycle = async () => {
    drafted += 1;
    const answer = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: `Kill ${drafted}`,
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
      dueDate: '2030-04-30',
      cycleId: `kill-${drafted}`,
    });
    expect(answer.status).toBe(201);
  };

  it('loses no checkpoint to a kill mid-append, and takes them through a crash loop', async () => {
    // The first worker finds a log never checkpointed: it takes one at once, not an interval later.
    child = await worker();
    const [first] = await eventually(async () => {
      const c = await checkpoints();
      return c.length === 1 && c;
    }, 20_000);
    await kill(child);

    // Killed while its checkpoint's append waits on the checkpoints stream's row. PostgreSQL sees the client
    // gone only when it answers, so the append, sent whole before the kill, may still be carried out once the
    // row is let go: either way it is whole or nothing, chained on the one before.
    await draftCycle();
    const waiting = async () => {
      const [{ n }] = await product.db.dataSource.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%streams%'`,
      );
      return n;
    };
    const holder = new Client({ connectionString: product.db.url });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE', [LOG_CHECKPOINTS_STREAM]);
      child = await worker();
      await eventually(async () => (await waiting()) > 0, 30_000);
      await kill(child);
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    await eventually(async () => (await waiting()) === 0);
    const afterKill = await checkpoints();
    expect(afterKill.length).toBeLessThanOrEqual(2);

    // Killed a second after each start, again and again: a checkpoint is still taken once one is due, by
    // whichever worker is up then, chained on the one before and verifying.
    await draftCycle();
    const deadline = Date.now() + 60_000;
    let taken = afterKill;
    while (taken.length === afterKill.length) {
      expect(Date.now()).toBeLessThan(deadline);
      child = await worker();
      await new Promise((r) => setTimeout(r, 1_000));
      await kill(child);
      taken = await checkpoints();
    }
    expect(taken).toHaveLength(afterKill.length + 1);
    taken.forEach((c, i) => {
      expect(c.data.previousRoot).toBe(i === 0 ? null : taken[i - 1].data.root);
      expect(c.data.previousFence).toBe(i === 0 ? null : taken[i - 1].data.fence);
    });
    expect(taken[0].data.root).toBe(first.data.root);
    const last = taken[taken.length - 1];
    expect(await verifyLog(product.db.dataSource, last.data)).toMatchObject({ ok: true });
    const [{ version }] = await product.db.dataSource.query(
      `SELECT version FROM streams WHERE stream_id = $1`,
      [LOG_CHECKPOINTS_STREAM],
    );
    expect(version).toBe(taken.length);

    // Workers started again and again with nothing new in the log add nothing to it.
    child = await worker();
    await new Promise((r) => setTimeout(r, 1_000));
    await kill(child);
    expect(await checkpoints()).toHaveLength(taken.length);
  }, 240_000);
});
