import { ChildProcess } from 'node:child_process';
import { INestApplicationContext } from '@nestjs/common';
import { startWorker } from '../apps/worker/src/main.js';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { kill, spawnWorker } from './support/worker-process.js';
import { untilQuiet } from './support/processors.js';
import { MAIL_CRASH_ENV, openCycleOfSevenLeads } from './support/mail-crash.js';

const MAIL_ENV = MAIL_CRASH_ENV;

/** A worker killed outright (SIGKILL) in the middle of a batch of chase mails, then started again. */
describe('chasing through a worker crash (e2e)', () => {
  let product: Product;
  let child: ChildProcess | null = null;
  let restarted: INestApplicationContext | null = null;
  let call: ReturnType<typeof http>;

  beforeAll(async () => {
    product = await startProduct('crash', undefined, MAIL_ENV);
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(async () => {
    if (child) await kill(child);
    // product.stop() closes the worker it started (already closed here); the restarted one is ours to close.
    await restarted?.close();
    await product.stop();
  });

  it('sends no duplicate and loses no mail when the worker is killed mid-batch and started again', async () => {
    await openCycleOfSevenLeads(product, call, 'crash', 'Crash cycle');

    // From here on only the worker in its own process runs, against a slow mail server.
    await product.worker.close();
    child = spawnWorker(product.config, MAIL_ENV);
    // Slow enough that the kill below lands well before the server answers, even on a loaded machine (a kill
    // after the server's 250 is the one case the ledger documents as able to send twice).
    product.smtp.delayMs = 3_000;
    const chaseMails = () => product.smtp.mails.filter((m) => m.subject.includes('Please send'));

    const chased = await call('POST', '/cycles/crash/chase', as.coordinator);
    expect(chased.status).toBe(202);
    // Kill it while the server holds a message it has not answered yet, at least 1.5 s before it would accept it.
    const inFlight = () =>
      product.smtp.offered.filter(
        (m) => !product.smtp.mails.includes(m) && Date.now() - (m.receivedAt ?? 0) < 1_500,
      );
    // ...and none is near its answer, and every mail the server accepted is recorded as sent: a kill between the
    // server's 250 and that record is the window the ledger documents as able to send twice, which a loaded
    // machine could otherwise hit with a mail offered up to 3 s before.
    const nearItsAnswer = () =>
      product.smtp.offered.some(
        (m) => !product.smtp.mails.includes(m) && Date.now() - (m.receivedAt ?? 0) > 1_500,
      );
    const recordedSent = async () =>
      (
        await product.db.dataSource.query(
          `SELECT count(*)::int AS n FROM events WHERE type = 'ReminderSent' AND stream_id LIKE 'chase:sevenoaks-lsp~crash:%'`,
        )
      )[0].n as number;
    await eventually(async () => {
      const accepted = chaseMails().length;
      return (
        accepted >= 2 &&
        inFlight().length > 0 &&
        !nearItsAnswer() &&
        (await recordedSent()) === accepted &&
        chaseMails().length === accepted
      );
    }, 30_000);
    await kill(child);
    child = null;
    const whenKilled = chaseMails().length;
    expect(whenKilled).toBeLessThan(7);
    const claimedAtKill = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE type = 'ReminderClaimed' AND stream_id LIKE 'chase:sevenoaks-lsp~crash:%'`,
    );
    expect(claimedAtKill[0].n).toBeGreaterThan(whenKilled); // mails were in flight when it died

    product.smtp.delayMs = 0;
    restarted = await startWorker(product.config, { relayPollIntervalMs: 25 });
    await eventually(async () => chaseMails().length >= 7, 20_000);
    // Quiet: the relay has passed every event and no job is owed (a stalled one counts until it is retried), so
    // anything owed would have arrived.
    await untilQuiet(product);
    const to = chaseMails()
      .flatMap((m) => m.to)
      .sort();
    expect(to).toHaveLength(7);
    expect(new Set(to).size).toBe(7);
    const sent = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE type = 'ReminderSent' AND stream_id LIKE 'chase:sevenoaks-lsp~crash:%'`,
    );
    expect(sent[0].n).toBe(7);
  });
});
