import { startupFailureLines } from '../libs/config/src/index.js';
import { processorsCli } from '../scripts/processors.js';
import { StallingProxy } from './support/stalling-proxy.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';

/**
 * An operator's probe: `npm run processors -- status`, run because something is wrong, against a PostgreSQL that
 * stops answering mid-way (stopped, the network gone silent) waited without end, deaf to everything but Ctrl-C.
 * Its statements now give up after DATABASE_QUERY_TIMEOUT_MS (and its second of grace), as the api's do.
 */
describe('npm run processors against a PostgreSQL that stalls (e2e)', () => {
  let db: TestDatabase;
  let proxy: StallingProxy;

  beforeAll(async () => {
    db = await createTestDatabase('processors_stall');
    proxy = await StallingProxy.start();
  });
  afterAll(async () => {
    proxy.resume();
    await proxy.close();
    await db.drop();
  });

  it('status gives up within the query timeout, naming why, instead of hanging', async () => {
    proxy.stallBefore((chunk) => chunk.includes('parked_events'));
    const started = Date.now();
    const outcome = await Promise.race([
      processorsCli(
        ['status'],
        { DATABASE_URL: proxy.urlFor(db.url), DATABASE_QUERY_TIMEOUT_MS: '4000' },
        { write: () => true },
        { write: () => true },
      ).then(
        (code) => `exit ${code}`,
        (error: unknown) => startupFailureLines(error).join('\n'),
      ),
      // A timeout of 4 s, not 1.5: on a loaded machine a statement before the stall took longer than 1.5 s, and the
      // script gave up there, before the stall it is meant to meet.
      new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 25 s'), 25_000)),
    ]);
    expect(proxy.isStalled).toBe(true);
    expect(outcome).not.toBe('still waiting after 25 s');
    expect(outcome).toBe(
      'DATABASE_URL: PostgreSQL did not answer within DATABASE_QUERY_TIMEOUT_MS (4000 ms): run it again once it ' +
        'answers (status then shows whether a retry or skip asked was recorded)',
    );
    expect(Date.now() - started).toBeLessThan(20_000);
  }, 45_000);
});
