import { ResetRequests } from '../../../libs/auth/src/index.js';
import { loadConfig } from '../../../libs/config/src/index.js';
import { EventStore } from '../../../libs/event-store/src/index.js';
import { SystemClock } from '../../../libs/kernel/src/index.js';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database.js';
import { eventually } from '../../../test/support/eventually.js';
import { ResetRequestSweep } from './reset-request-sweep.service.js';

const GRACE_MS = 3_000;

/**
 * A reset request an api answered and was killed before issuing is issued by a worker once RESET_REQUEST_GRACE_MS
 * old. The sweep looked every grace for rows older than the grace, so a row left just after a look waited for the
 * look after next: up to twice the grace (2 minutes by default), where the grace is the promise.
 */
describe('ResetRequestSweep (real PostgreSQL)', () => {
  let db: TestDatabase;
  let sweep: ResetRequestSweep;
  let requests: ResetRequests;

  beforeAll(async () => {
    db = await createTestDatabase('reset_sweep');
    const store = new EventStore(db.dataSource);
    const config = loadConfig({ DATABASE_URL: db.url, RESET_REQUEST_GRACE_MS: String(GRACE_MS) });
    sweep = new ResetRequestSweep(db.dataSource, store, new SystemClock(), config);
    requests = new ResetRequests(db.dataSource, store, config.tokenPepper);
  });
  afterAll(async () => {
    await sweep.beforeApplicationShutdown();
    await db.drop();
  });

  const left = async () =>
    ((await db.dataSource.query(`SELECT count(*)::int AS n FROM reset_requests`)) as { n: number }[])[0].n;

  it('issues a request an api left once the grace has passed, not a look later', async () => {
    sweep.onApplicationBootstrap();
    // Just after the worker's look at start: the row is not overdue at the next regular look.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const owedAt = Date.now();
    await requests.record('nobody.here@sevenoaks.example.org');
    expect(await left()).toBe(1);
    await eventually(async () => (await left()) === 0, 15_000);
    const waited = Date.now() - owedAt;
    expect(waited).toBeGreaterThanOrEqual(GRACE_MS - 100);
    expect(waited).toBeLessThan(GRACE_MS + 1_200);
  }, 30_000);
});
