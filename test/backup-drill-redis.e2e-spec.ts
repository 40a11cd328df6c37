import { startupFailureLines } from '../libs/config/src/index.js';
import { backupDrill } from '../scripts/backup-drill.js';
import { freePort } from './support/disposable-redis.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';

/**
 * `npm run backup:drill` with a REDIS_URL nothing answers (an operator's probe): it dumped, restored and started
 * its api and worker, then waited on their close for Redis without end, past its --timeout of 60 s and deaf to
 * SIGTERM (killed after 10 minutes), leaving its database behind. It now says so in one line before it begins.
 */
describe('npm run backup:drill without Redis', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('drill_redis');
  });
  afterAll(() => db.drop());

  it('says REDIS_URL cannot be reached, in one line, at once, and makes no drill database', async () => {
    const redisUrl = `redis://127.0.0.1:${await freePort()}`;
    const started = Date.now();
    const error = await backupDrill(
      { DATABASE_URL: db.url, REDIS_URL: redisUrl },
      ['--timeout', '30'],
      { write: () => true },
      { write: () => true },
    ).then(
      (code) => new Error(`exit ${code}`),
      (e: unknown) => e,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(startupFailureLines(error)).toEqual([
      expect.stringMatching(
        /^REDIS_URL: Redis at 127\.0\.0\.1:\d+ cannot be reached \(.*ECONNREFUSED.*\): the drill runs its api and worker on it/,
      ),
    ]);
    const drills = await db.dataSource.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${db.url.split('/').pop()}_drill_%`,
    ]);
    expect(drills).toEqual([]);
  }, 90_000);
});
