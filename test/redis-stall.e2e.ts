import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { DisposableRedis, freePort } from './support/disposable-redis.js';
import { untilQuiet } from './support/processors.js';
import { openCycle } from './support/reporting.js';

/**
 * An operator's probe: Redis frozen (SIGSTOP: its connections open, nothing answered, as a host or a network gone
 * silent) for 12 s, past every 5 s timeout of the api and the worker, while mail is going out and commands come
 * in, then let go with everything it held.
 */
describe('Redis frozen, then back with what it held (e2e)', () => {
  let redis: DisposableRedis;
  let product: Product;
  let call: ReturnType<typeof http>;

  beforeAll(async () => {
    redis = new DisposableRedis(await freePort());
    await redis.start();
    product = await startProduct('redis_stall', undefined, {
      REDIS_URL: redis.url,
      MAIL_CONCURRENCY: '2',
      JOB_LOCK_MS: '5000',
    });
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(async () => {
    redis.thaw();
    await product.stop();
    await redis.stop();
  });

  it('takes commands, says so in readiness and metrics, and sends every mail once when it answers again', async () => {
    product.smtp.delayMs = 1_500;
    const cycle = (cycleId: string, label: string, refs: string[]) =>
      openCycle(
        call,
        as.coordinator,
        { cycleId, label, periodStart: '2020-04-01', periodEnd: '2021-03-31', dueDate: '2030-04-30' },
        refs,
      );
    await cycle('before', 'Before the freeze', ['S1', 'G1', 'C3', 'H1', 'D4', 'Sus4']);
    await eventually(async () => product.smtp.offered.length >= 1, 20_000);

    redis.freeze();
    const frozenAt = Date.now();
    await cycle('during', 'During the freeze', ['S1', 'G1']);
    const commandMs = Date.now() - frozenAt;
    const readyStarted = Date.now();
    const ready = await call('GET', '/health/ready', {});
    const readyMs = Date.now() - readyStarted;
    const metricsStarted = Date.now();
    const metrics = await fetch(`${product.baseUrl}/metrics`);
    const metricsText = await metrics.text();
    const metricsMs = Date.now() - metricsStarted;
    await new Promise((r) => setTimeout(r, Math.max(0, 12_000 - (Date.now() - frozenAt))));
    redis.thaw();

    await cycle('after', 'After the freeze', ['S1']);
    const expected = (label: string, n: number) =>
      eventually(async () => product.smtp.mails.filter((m) => m.subject.includes(label)).length >= n, 90_000);
    await expected('During the freeze', 1);
    await expected('After the freeze', 1);
    await untilQuiet(product);

    expect(commandMs).toBeLessThan(5_000); // no command waited for Redis
    // Readiness and the scrape answer in time, saying what does not answer.
    expect(readyMs).toBeLessThan(3_000);
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      title: 'Not ready: redis is down',
      info: { postgres: { status: 'up' } },
    });
    expect(ready.body.detail).toMatch(/^Redis \(REDIS_URL\) does not answer/);
    expect(metricsMs).toBeLessThan(5_000);
    expect(metrics.status).toBe(200);
    expect(metricsText).toContain('partner_returns_signal_up{signal="queues"} 0');
    expect(metricsText).toContain('partner_returns_signal_up{signal="relay_lag"} 1');
    const after = await (await fetch(`${product.baseUrl}/metrics`)).text();
    expect(after).toContain('partner_returns_signal_up{signal="queues"} 1');
    // Every mail once: those in hand at the freeze, those owed during it and after it, by the same worker.
    const subjects = product.smtp.mails.map((m) => `${m.to.join(',')} ${m.subject}`);
    expect(subjects.filter((s, i) => subjects.indexOf(s) !== i)).toEqual([]);
    const before = product.smtp.mails.filter((m) => m.subject.includes('Before the freeze'));
    expect(before).toHaveLength(7);
  }, 240_000);
});
