import { Queue } from 'bullmq';
import { bullConnection, deleteQueueKeys, QUEUES } from '../libs/queues/src/index.js';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { untilQuiet } from './support/processors.js';
import { openCycle } from './support/reporting.js';

/**
 * Redis emptied while the report's updates were due (an operator's test: the reporting queue paused, as Bull
 * Board's button does, a cycle opened, FLUSHALL): the report showed 0 measures for it until a rebuild. The report's
 * tables now follow the log through their own checkpointed processor, so nothing it owes is held in Redis.
 */
describe('the report when Redis is emptied (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let reporting: Queue;

  beforeAll(async () => {
    product = await startProduct('report_redis_emptied');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    reporting = new Queue(QUEUES.reporting, {
      connection: bullConnection(product.config.redisUrl),
      prefix: product.config.queuePrefix,
    });
  });
  afterAll(async () => {
    await reporting.close();
    await product.stop();
  });

  it('shows every measure of a cycle opened while the reporting queue was paused and Redis then emptied', async () => {
    await reporting.pause();
    const cycleId = await openCycle(
      call,
      as.coordinator,
      {
        cycleId: 'flushed',
        label: 'Flushed',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2030-04-30',
      },
      ['S1', 'S2', 'C3'],
    );
    expect(await deleteQueueKeys(product.config.redisUrl, product.config.queuePrefix)).toBeGreaterThan(0);
    await eventually(async () => {
      const rows = await product.db.dataSource.query(
        'SELECT count(*)::int AS n FROM report_requested_returns WHERE cycle_id = $1',
        [cycleId],
      );
      return rows[0].n === 3;
    }, 20_000);
    const report = await call('GET', `/cycles/${cycleId}/report`, as.coordinator);
    expect(report.status).toBe(200);
    // None approved yet: all three wait, and the headline counts them.
    const refs = (report.body.themes as { awaiting: { ref: string }[] }[]).flatMap((t) =>
      t.awaiting.map((m) => m.ref),
    );
    expect(refs.sort()).toEqual(['C3', 'S1', 'S2']);
    expect(report.body.headline).toMatchObject({ measures: 3 });
  });

  it('sends a link whose try Redis held for later within seconds of Redis being emptied, and once', async () => {
    // The mail server asks the worker to try again later: the job waits in Redis for its next try (30 s).
    product.smtp.respond = () => ({ code: 451, message: '4.3.0 Try again later' });
    const label = 'Emptied while owed';
    const offered = () => product.smtp.offered.filter((m) => m.subject.includes(label));
    try {
      await openCycle(
        call,
        as.coordinator,
        { cycleId: 'owed', label, periodStart: '2019-04-01', periodEnd: '2020-03-31', dueDate: '2030-04-30' },
        ['S1'],
      );
      await eventually(async () => offered().length > 0, 20_000);
    } finally {
      product.smtp.respond = null;
    }
    expect(await deleteQueueKeys(product.config.redisUrl, product.config.queuePrefix)).toBeGreaterThan(0);
    // Not at the next reconciliation (MAIL_RECONCILE_EVERY_MS, 5 minutes): the worker sees Redis emptied.
    const sent = () => product.smtp.mails.filter((m) => m.subject.includes(label));
    await eventually(async () => sent().length > 0, 20_000);
    await untilQuiet(product);
    expect(sent()).toHaveLength(1);
  }, 60_000);
});
