import { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { QUERY_TIMEOUT_GRACE_MS } from '../libs/database/src/index.js';
import { spawnApi } from './support/api-process.js';
import { as, eventually, importSevenoaks, Product, startProduct } from './support/product.js';
import { StallingProxy } from './support/stalling-proxy.js';
import { kill, spawnWorker } from './support/worker-process.js';

/** DATABASE_QUERY_TIMEOUT_MS of the api and the worker under test. */
const TIMEOUT_MS = 1_500;
/**
 * The client gives up a grace after PostgreSQL would, and a busy 2-core machine adds its own; but less than a
 * second timeout more: a request that waits out two (a rollback queued behind the commit that got no answer, on a
 * connection that was not given up) is too late.
 */
const ANSWER_WITHIN_MS = TIMEOUT_MS + QUERY_TIMEOUT_GRACE_MS + 2_000;
/** How long a request may go unanswered before the test calls it hung (the product's default timeout is 30 s). */
const HUNG_MS = 20_000;

/**
 * An operator's probe: a query already sent to a PostgreSQL that then stalls waited for it forever. Here the api
 * and the worker, in processes of their own, reach PostgreSQL through a proxy that stops forwarding bytes (both
 * ways) and resumes; and PostgreSQL itself holds a lock without end. Each time: a JSON command and a page answer
 * 503 within the query timeout and a margin instead of hanging; a command is applied whole or not at all; and once
 * the stall ends the same requests succeed, and the worker's processors catch up, without a restart.
 */
describe('a PostgreSQL that stalls: 503 in time, nothing half applied, recovery without a restart (e2e)', () => {
  let product: Product;
  let proxy: StallingProxy;
  let api: { child: ChildProcess; baseUrl: string };
  let worker: ChildProcess;
  let cycleId: string;

  beforeAll(async () => {
    product = await startProduct('db_stall');
    await importSevenoaks(product.store);
    const drafted = await ask(product.baseUrl, 'POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    cycleId = drafted.body.id;
    const opened = await ask(product.baseUrl, 'POST', `/cycles/${cycleId}/open`, as.coordinator, {
      measureRefs: ['S1', 'S2', 'S3', 'S4'],
    });
    expect(opened.status).toBe(200);
    // The worker under test is the one behind the proxy: the in-process one would catch up for it.
    await product.worker.close();
    proxy = await StallingProxy.start();
    const env = {
      DATABASE_URL: proxy.urlFor(product.config.databaseUrl),
      DATABASE_QUERY_TIMEOUT_MS: String(TIMEOUT_MS),
      // The processors' lines about each stall are expected: the test reads what they do, not what they say.
      LOG_LEVEL: 'fatal',
    };
    worker = spawnWorker(product.config, env);
    api = await spawnApi(product.config, env);
    // Both work through the proxy: a draft saved through the api reaches the worker's read model.
    expect((await saveDraft('S4', 'before any stall')).status).toBe(200);
    await eventually(async () => (await statusOf('S4')) === 'draft', 120_000);
  }, 300_000);

  afterAll(async () => {
    proxy?.resume();
    if (worker) await kill(worker);
    if (api) await kill(api.child);
    await proxy?.close();
    await product?.stop();
  });

  // A test that failed part-way leaves no stall behind for the next.
  afterEach(() => proxy.resume());

  const saveDraft = (ref: string, narrative: string, key?: string) =>
    ask(
      api.baseUrl,
      'PUT',
      `/returns/${cycleId}.${ref}/draft`,
      { ...as.coordinator, ...(key ? { 'idempotency-key': key } : {}) },
      { rag: 'amber', narrative, dot: 'improving', comments: null },
    );

  /** An agency lead's page of the cycle, as a browser asks for it. */
  const cyclePage = () =>
    ask(api.baseUrl, 'GET', `/agency/cycles/${cycleId}`, {
      cookie: as.lead('sevenoaks-csp').cookie,
      accept: 'text/html',
    });

  /** Read directly, not through the proxy. */
  const drafts = async (ref: string) =>
    (
      await product.db.dataSource.query(
        `SELECT count(*)::int AS n FROM events WHERE stream_id = $1 AND type = 'ReturnDraftSaved'`,
        [`return:${cycleId}.${ref}`],
      )
    )[0].n as number;
  const keyRecorded = async (key: string) =>
    (
      await product.db.dataSource.query(
        `SELECT count(*)::int AS n FROM idempotency_keys WHERE idempotency_key = $1 AND status = 200`,
        [key],
      )
    )[0].n as number;
  const statusOf = async (ref: string) =>
    (
      (await product.db.dataSource.query(`SELECT status FROM return_status WHERE return_id = $1`, [
        `${cycleId}.${ref}`,
      ])) as { status: string }[]
    )[0]?.status;

  const expectUnavailable = (answer: Answer, kind: 'json' | 'page') => {
    expect({ status: answer.status, inTime: answer.ms < ANSWER_WITHIN_MS }).toEqual({
      status: 503,
      inTime: true,
    });
    expect(answer.headers.get('retry-after')).toBe('30');
    if (kind === 'json') {
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.code).toBe('database-unavailable');
    } else {
      expect(answer.headers.get('content-type')).toContain('text/html');
      expect(answer.body).toContain('Sorry, the service is unavailable');
    }
  };

  const stillRunning = () => {
    expect(api.child.exitCode ?? api.child.signalCode).toBeNull();
    expect(worker.exitCode ?? worker.signalCode).toBeNull();
  };

  it('stalled mid-command, at its commit: 503 in time for it and for what follows; then it is applied whole, once', async () => {
    const marker = `in flight when PostgreSQL stalled ${randomBytes(4).toString('hex')}`;
    const key = `stall-${randomBytes(4).toString('hex')}`;
    // The command has taken its key and written its event; its COMMIT, and everything after it, is held.
    proxy.stallBefore((chunk, earlier) => chunk.includes('COMMIT') && earlier.includes(marker));
    const inFlight = await saveDraft('S1', marker, key);
    expect(proxy.isStalled).toBe(true);
    expectUnavailable(inFlight, 'json');
    // While it lasts: another command, and a page.
    expectUnavailable(await saveDraft('S2', 'while PostgreSQL stalls', `stall-${key}-2`), 'json');
    expectUnavailable(await cyclePage(), 'page');
    // Nothing of either command is visible: the first's transaction is open, waiting for its COMMIT.
    expect([await drafts('S1'), await drafts('S2')]).toEqual([0, 0]);
    stillRunning();

    proxy.resume();
    // The COMMIT the api gave up on reaches PostgreSQL now: the command is applied whole (its event and its key's
    // answer) or not at all, never the one without the other.
    await eventually(async () => {
      const [n, recorded] = [await drafts('S1'), await keyRecorded(key)];
      return n === recorded ? true : null;
    }, 10_000);
    // The same requests, without restarting anything: the retry finds the first command's answer or applies it.
    const retried = await saveDraft('S1', marker, key);
    expect(retried.status).toBe(200);
    expect([await drafts('S1'), await keyRecorded(key)]).toEqual([1, 1]);
    expect((await saveDraft('S2', 'while PostgreSQL stalls', `stall-${key}-2`)).status).toBe(200);
    expect(await drafts('S2')).toBe(1);
    expect((await cyclePage()).status).toBe(200);
    // The worker's processors catch up.
    await eventually(
      async () => (await statusOf('S1')) === 'draft' && (await statusOf('S2')) === 'draft',
      60_000,
    );
    stillRunning();
  }, 120_000);

  it('a lock PostgreSQL holds without end: the statement is cancelled in time (503), and all is well once it is let go', async () => {
    const holder = new Client({ connectionString: product.config.databaseUrl });
    holder.on('error', () => undefined);
    await holder.connect();
    try {
      // Nothing reads or writes an event until it is let go: the product's reads and writes wait on it.
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      expectUnavailable(await saveDraft('S3', 'behind a lock', 'lock-1'), 'json');
      expectUnavailable(await cyclePage(), 'page');
      stillRunning();
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    // Cancelled, the command was rolled back whole (read once the lock is gone: this read would wait on it too).
    expect(await drafts('S3')).toBe(0);
    expect(await keyRecorded('lock-1')).toBe(0);
    expect((await saveDraft('S3', 'behind a lock', 'lock-1')).status).toBe(200);
    expect([await drafts('S3'), await keyRecorded('lock-1')]).toEqual([1, 1]);
    expect((await cyclePage()).status).toBe(200);
    await eventually(async () => (await statusOf('S3')) === 'draft', 60_000);
    stillRunning();
  }, 120_000);
  it('a database that takes no connections (maintenance): 503, not 500, and back by itself when it does', async () => {
    const before = await drafts('S2');
    const database = new URL(product.config.databaseUrl).pathname.slice(1);
    // From another database: PostgreSQL lets no one turn away connections to the one they are in.
    const admin = new URL(product.config.databaseUrl);
    admin.pathname = '/postgres';
    const operator = new Client({ connectionString: admin.toString() });
    await operator.connect();
    await operator.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    try {
      // The api's connections go (as pg_terminate_backend or a restart ends them); new ones are refused.
      proxy.cut();
      expectUnavailable(await saveDraft('S2', 'while refused'), 'json');
      expectUnavailable(await cyclePage(), 'page');
      stillRunning();
    } finally {
      await operator.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
      await operator.end();
    }
    expect(await drafts('S2')).toBe(before);
    await eventually(async () => (await saveDraft('S2', 'allowed again')).status === 200, 30_000);
    expect((await cyclePage()).status).toBe(200);
  }, 120_000);

  it('a connection cut under a command with an Idempotency-Key: 503, not the rollback’s failure as a 500', async () => {
    const before = await drafts('S1');
    const holder = new Client({ connectionString: product.config.databaseUrl });
    holder.on('error', () => undefined);
    await holder.connect();
    try {
      // The command waits on the lock inside its transaction; the connection is cut under it.
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE events IN EXCLUSIVE MODE');
      const pending = saveDraft('S1', 'cut under it', 'cut-1');
      await new Promise((r) => setTimeout(r, 300));
      proxy.cut();
      expectUnavailable(await pending, 'json');
      stillRunning();
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
    expect([await drafts('S1'), await keyRecorded('cut-1')]).toEqual([before, 0]);
    await eventually(async () => (await saveDraft('S1', 'cut under it', 'cut-1')).status === 200, 30_000);
    expect([await drafts('S1'), await keyRecorded('cut-1')]).toEqual([before + 1, 1]);
  }, 120_000);
});

type Answer = { status: number | string; headers: Headers; body: any; ms: number }; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A request, timed; one that gets no answer within HUNG_MS says so in its status rather than hanging the test. */
async function ask(
  baseUrl: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: unknown,
): Promise<Answer> {
  const started = Date.now();
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(HUNG_MS),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('json');
    return {
      status: response.status,
      headers: response.headers,
      body: json && text ? JSON.parse(text) : text,
      ms: Date.now() - started,
    };
  } catch (error) {
    const hung = (error as Error).name === 'TimeoutError';
    return {
      status: hung ? `no answer within ${HUNG_MS / 1000} s` : `failed: ${(error as Error).message}`,
      headers: new Headers(),
      body: null,
      ms: Date.now() - started,
    };
  }
}
