import { MetricsListener } from '../apps/worker/src/metrics-listener.service.js';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { DisposableRedis, freePort } from './support/disposable-redis.js';

/** A GET that gives up after 20 s (a hang shows as status 0), and how long it took. */
async function timed(url: string, headers: Record<string, string> = {}, accept = '*/*') {
  const started = Date.now();
  const answer = await fetch(url, {
    headers: { ...headers, accept },
    signal: AbortSignal.timeout(20_000),
  }).then(
    async (res) => ({
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      retryAfter: res.headers.get('retry-after'),
      body: await res.text(),
    }),
    (error: Error) => ({ status: 0, type: '', retryAfter: null, body: error.message }),
  );
  return { ...answer, ms: Date.now() - started };
}

/**
 * An operator's probe: Redis stopped (and then frozen) under a running api and worker. Pages that need only
 * PostgreSQL answer as ever; those that need Redis say so at once, with a 503, and nothing hangs. Found: the queue
 * dashboard (/admin/queues) waited for Redis without end, its data requests hanging until the browser gave up.
 */
describe('pages, health and metrics while Redis is away (e2e)', () => {
  let redis: DisposableRedis;
  let product: Product;
  let worker: string;

  beforeAll(async () => {
    redis = new DisposableRedis(await freePort());
    await redis.start();
    product = await startProduct('redis_down_pages', undefined, { REDIS_URL: redis.url });
    await importSevenoaks(product.store);
    worker = `http://127.0.0.1:${product.worker.get(MetricsListener).port}`;
  });
  afterAll(async () => {
    redis.thaw();
    await redis.start();
    await product.stop();
    await redis.stop();
  });

  it('answers the queue dashboard with a 503 page and problem, at once, and the rest as ever', async () => {
    expect((await timed(`${product.baseUrl}/admin/queues/api/queues`, as.coordinator)).status).toBe(200);
    await redis.stop();

    const page = await timed(`${product.baseUrl}/admin/queues`, as.coordinator, 'text/html');
    expect(page).toMatchObject({ status: 503, retryAfter: '30' });
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body).toContain('Sorry, the queues cannot be shown just now');
    expect(page.body).toContain('nothing is lost');
    expect(page.ms).toBeLessThan(3_000);

    const data = await timed(
      `${product.baseUrl}/admin/queues/api/queues`,
      as.coordinator,
      'application/json',
    );
    expect(data).toMatchObject({ status: 503, retryAfter: '30' });
    expect(data.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(data.body)).toMatchObject({
      code: 'queues-unavailable',
      detail: expect.stringMatching(/^Redis \(REDIS_URL\) does not answer/),
    });
    expect(data.ms).toBeLessThan(3_000);
    // Who may not see the queues is still told so first, Redis or not.
    expect((await timed(`${product.baseUrl}/admin/queues/api/queues`, as.reviewer)).status).toBe(403);

    // Pages and routes that need only PostgreSQL are not held up.
    const coordinate = await timed(`${product.baseUrl}/coordinate`, as.coordinator, 'text/html');
    expect(coordinate.status).toBe(200);
    const processors = await timed(`${product.baseUrl}/admin/processors`, as.coordinator, 'text/html');
    expect(processors.status).toBe(200);
    const ready = await timed(`${product.baseUrl}/health/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body).toContain('redis is down');
    // The worker's healthcheck is about the worker and PostgreSQL: restarting it brings no Redis back.
    const health = await timed(`${worker}/health`);
    expect(health.status).toBe(200);
    for (const url of [`${product.baseUrl}/metrics`, `${worker}/metrics`]) {
      const metrics = await timed(url);
      expect(metrics.status).toBe(200);
      expect(metrics.body).toContain('partner_returns_signal_up{signal="queues"} 0');
      expect(metrics.body).toContain('partner_returns_signal_up{signal="relay_lag"} 1');
      expect(metrics.ms).toBeLessThan(5_000);
    }

    // Back (empty): the dashboard reads the queues again, without a restart.
    await redis.start();
    await eventually(
      async () => (await timed(`${product.baseUrl}/admin/queues/api/queues`, as.coordinator)).status === 200,
      20_000,
    );

    // Frozen (connections open, nothing answered): the same 503, in time.
    redis.freeze();
    const frozen = await timed(
      `${product.baseUrl}/admin/queues/api/queues`,
      as.coordinator,
      'application/json',
    );
    expect(frozen.status).toBe(503);
    expect(frozen.ms).toBeLessThan(3_000);
    redis.thaw();
    await eventually(
      async () => (await timed(`${product.baseUrl}/admin/queues/api/queues`, as.coordinator)).status === 200,
      20_000,
    );
    // A command still goes through the api as ever (no call of this test's own needed Redis for it).
    const call = http(product.baseUrl);
    expect((await call('GET', '/cycles', as.coordinator)).status).toBe(200);
  }, 120_000);
});
