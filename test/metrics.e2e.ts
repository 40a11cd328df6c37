import { Client } from 'pg';
import { OutboxRelay } from '../apps/worker/src/outbox-relay.service.js';
import { MetricsListener } from '../apps/worker/src/metrics-listener.service.js';
import { EventMetadata } from '../libs/event-store/src/index.js';
import { PlanFile } from '../libs/plan/src/index.js';
import { OperatorSignals } from '../libs/signals/src/index.js';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';

const TOKEN = 'metrics-token-for-the-e2e-test-0123456789';
const meta: EventMetadata = { actorId: 'test', actorRole: 'coordinator', correlationId: 'metrics' };

type Samples = Map<string, number>;

/** Prometheus' text format as `name{label="v",...}` -> value; labels sorted, so a test can name a series. */
function parse(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels = [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)]
      .map(([, k, v]) => `${k}="${v}"`)
      .sort();
    samples.set(labels.length ? `${match[1]}{${labels.join(',')}}` : match[1], Number(match[3]));
  }
  return samples;
}

/**
 * The operators' signals (issue 18, point 10) on real PostgreSQL, Redis and SMTP: the api's /metrics and the
 * worker's own listener report them, behind METRICS_TOKEN, and each one moves when what it watches does.
 */
describe('metrics for operators (e2e)', () => {
  let product: Product;
  let workerUrl: string;
  let plan: PlanFile;

  beforeAll(async () => {
    product = await startProduct('metrics', undefined, {
      METRICS_TOKEN: TOKEN,
      PROCESSOR_ATTEMPTS: '2',
      PROCESSOR_RETRY_DELAY_MS: '50',
      MAIL_RATE_PER_MINUTE: '60000',
      MAIL_ATTEMPTS: '1',
    });
    plan = await importSevenoaks(product.store);
    workerUrl = `http://127.0.0.1:${product.worker.get(MetricsListener).port}`;
  });
  afterAll(() => product.stop());

  const scrape = async (base: string): Promise<Samples> => {
    const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parse(await response.text());
  };
  const api = () => scrape(product.baseUrl);
  const worker = () => scrape(workerUrl);

  it('asks for the token on both, and no session: a wrong one or none is a 401', async () => {
    for (const base of [product.baseUrl, workerUrl]) {
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      const wrong = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } });
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    // A coordinator's session or API token is not the metrics token.
    expect((await fetch(`${product.baseUrl}/metrics`, { headers: as.coordinator })).status).toBe(401);
    const problem = await fetch(`${product.baseUrl}/metrics`);
    expect(problem.headers.get('content-type')).toMatch(/problem\+json/);
  });

  it('is in the OpenAPI document, as text, with its bearer', async () => {
    const doc = (await http(product.baseUrl)('GET', '/api/docs-json', {})).body;
    const operation = doc.paths['/metrics']?.get;
    expect(operation?.summary).toMatch(/Prometheus/);
    expect(Object.keys(operation.responses['200'].content)).toEqual(['text/plain']);
    expect(operation.security).toEqual([{ bearer: [] }]);
  });

  it('names every signal on the api and on the worker, each read (signal_up 1), with the Node process', async () => {
    for (const samples of [await api(), await worker()]) {
      for (const name of [
        'partner_returns_relay_lag_seconds',
        'partner_returns_oldest_transaction_seconds',
        'partner_returns_queue_jobs{queue="mail",state="waiting"}',
        'partner_returns_queue_jobs{queue="chasing",state="delayed"}',
        'partner_returns_queue_jobs{queue="reporting",state="failed"}',
        'partner_returns_mails_total{kind="LinkMail",outcome="sent"}',
        'partner_returns_mails_total{kind="Reminder",outcome="bounced"}',
        'process_cpu_user_seconds_total',
        'nodejs_heap_size_used_bytes',
      ]) {
        expect([name, samples.has(name)]).toEqual([name, true]);
      }
      const up = [...samples].filter(([k]) => k.startsWith('partner_returns_signal_up'));
      expect(up).toHaveLength(6);
      expect(up.filter(([, v]) => v !== 1)).toEqual([]);
    }
    const health = await fetch(`${workerUrl}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    expect((await fetch(`${workerUrl}/elsewhere`)).status).toBe(404);
  });

  it('counts mail sent and bounced from the ledger, the same on both', async () => {
    // One mail per lead contact of every agency that owns a measure (see the walking skeleton); one bounces.
    const owning = new Set(plan.themes.flatMap((t) => t.measures.map((m) => m.leadAgency)));
    const leads = plan.agencies
      .filter((a) => owning.has(a.id))
      .flatMap((a) => a.contacts.filter((c) => c.role === 'lead'));
    const bounce = leads[0].email;
    product.smtp.respond = (mail) =>
      mail.to.includes(bounce) ? { code: 550, message: '5.1.1 No such mailbox' } : null;
    const key = (outcome: string) => `partner_returns_mails_total{kind="LinkMail",outcome="${outcome}"}`;
    const before = await api();
    expect(before.get(key('sent'))).toBe(0);
    const call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Metrics cycle',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    expect(drafted.status).toBe(201);
    const opened = await call(
      'POST',
      `/cycles/${drafted.body.id}/open`,
      { ...as.coordinator, 'if-match': '"1"' },
      {},
    );
    expect(opened.status).toBe(200);
    const after = await eventually(async () => {
      const s = await api();
      return s.get(key('sent'))! + s.get(key('failed'))! === leads.length ? s : null;
    }, 30_000);
    expect(after.get(key('sent'))).toBe(leads.length - 1);
    expect(after.get(key('bounced'))).toBe(1);
    expect(after.get(key('failed'))).toBe(1);
    expect(after.get(key('retried'))).toBe(0);
    const fromWorker = await worker();
    for (const outcome of ['sent', 'failed', 'bounced', 'retried']) {
      expect(fromWorker.get(key(outcome))).toBe(after.get(key(outcome)));
    }
  });

  it('counts events a processor parks, and says which processor', async () => {
    const series = 'partner_returns_parked_events{processor="return-status",state="parked"}';
    expect((await api()).get(series) ?? 0).toBe(0);
    await product.store.append(
      'cycle:null',
      'no_stream',
      [
        {
          type: 'CycleDrafted',
          data: {
            cycleId: null,
            partnershipId: 'other-lsp',
            planId: 'their-plan',
            label: 'Broken',
            periodStart: '2019-04-01',
            periodEnd: '2020-03-31',
            dueDate: '2020-04-21',
          },
        },
      ],
      meta,
    );
    await eventually(async () => (await api()).get(series) === 1, 30_000);
    expect((await worker()).get(series)).toBe(1);
  });

  it('shows the age of the oldest open transaction grow while one is left open', async () => {
    const key = 'partner_returns_oldest_transaction_seconds';
    const client = new Client({ connectionString: product.db.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_current_xact_id()');
      const began = Date.now();
      // The gauge is the server's oldest: another test file's transaction, older than this one, may be read
      // first and end before the second read. Each read is held to this transaction's own age at least.
      const ageNow = () => (Date.now() - began) / 1000 - 0.05;
      await new Promise((r) => setTimeout(r, 1_200));
      const first = ageNow();
      expect((await api()).get(key)!).toBeGreaterThanOrEqual(first);
      await new Promise((r) => setTimeout(r, 500));
      const second = ageNow();
      expect(second).toBeGreaterThanOrEqual(first + 0.5);
      expect((await worker()).get(key)!).toBeGreaterThanOrEqual(second);
    } finally {
      await client.query('ROLLBACK');
      await client.end();
    }
  });

  it('shows the relay lag and the events it is behind while the relay stands still, and 0 once it catches up', async () => {
    const relay = product.worker.get(OutboxRelay).processor;
    const lag = 'partner_returns_relay_lag_seconds';
    const behind = 'partner_returns_processor_events_behind{processor="outbox-relay"}';
    await eventually(async () => (await api()).get(lag) === 0, 30_000);
    await relay.stop();
    try {
      await product.store.append('metrics:probe', 'no_stream', [{ type: 'MetricsProbe', data: {} }], meta);
      await new Promise((r) => setTimeout(r, 1_100));
      const stalled = await eventually(async () => {
        const s = await api();
        return s.get(behind)! >= 1 ? s : null;
      });
      expect(stalled.get(lag)).toBeGreaterThanOrEqual(1);
    } finally {
      relay.start();
    }
    const caughtUp = await eventually(async () => {
      const s = await api();
      return s.get(lag) === 0 && s.get(behind) === 0 ? s : null;
    }, 30_000);
    expect(caughtUp.get(lag)).toBe(0);
  });

  it('shows jobs waiting in a queue by state', async () => {
    const { Queue } = await import('bullmq');
    const { bullConnection } = await import('../libs/queues/src/index.js');
    const queue = new Queue('reporting', {
      connection: bullConnection(product.config.redisUrl),
      prefix: product.config.queuePrefix,
    });
    try {
      const series = 'partner_returns_queue_jobs{queue="reporting",state="delayed"}';
      // The worker's own jobs come and go meanwhile: the metric must agree with BullMQ's count, ours included.
      const agrees = (atLeast: number) =>
        eventually(async () => {
          const shown = (await worker()).get(series)!;
          return shown === (await queue.getDelayedCount()) && shown >= atLeast;
        });
      const ids = ['a', 'b', 'c', 'd', 'e'].map((x) => `metrics-probe-${x}`);
      for (const jobId of ids) await queue.add('metrics-probe', {}, { delay: 3_600_000, jobId });
      await agrees(5);
      for (const jobId of ids) await queue.remove(jobId);
      await eventually(async () => (await api()).get(series)! === (await queue.getDelayedCount()));
    } finally {
      await queue.close();
    }
  });

  it('still answers with Redis away: the queues are left out and said to be unread, within seconds', async () => {
    const signals = new OperatorSignals(product.db.dataSource, {
      ...product.config,
      redisUrl: 'redis://127.0.0.1:1',
    });
    try {
      const started = Date.now();
      const samples = parse(await signals.scrape());
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(samples.get('partner_returns_signal_up{signal="queues"}')).toBe(0);
      expect(samples.get('partner_returns_signal_up{signal="mails"}')).toBe(1);
      expect([...samples.keys()].filter((k) => k.startsWith('partner_returns_queue_jobs'))).toEqual([]);
      expect(samples.has('partner_returns_relay_lag_seconds')).toBe(true);
    } finally {
      await signals.onApplicationShutdown();
    }
  });
});
