import { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { loadConfig } from '../libs/config/src/index.js';
import { dropDatabase, withDatabaseName } from '../libs/database/src/index.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { backupDrill } from '../scripts/backup-drill.js';
import { DisposableRedis, freePort } from './support/disposable-redis.js';
import { eventually } from './support/product.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';
import { kill, spawnWorker } from './support/worker-process.js';
import { runScript } from './support/run-script.js';

const ROOT = join(__dirname, '..');

/**
 * The drill drops only the database it created, and clears what a drill that died left. An operator's probe: a
 * DRILL_DATABASE_URL naming a database that held tables (the deployment's own, set to DATABASE_URL) had the
 * restore refuse it, and the drill then dropped it WITH (FORCE), with the dump it had just made; and a drill
 * killed mid-way left its database (a whole copy of the deployment, personal-data keys and all), its dump and its
 * queue keys for good, unnoticed by every drill after.
 */
describe('npm run backup:drill and its own databases (e2e)', () => {
  let source: TestDatabase;
  let other: TestDatabase;
  let redis: DisposableRedis;
  let child: ChildProcess | null = null;

  const databases = async (like: string): Promise<string[]> => {
    const admin = new Client({ connectionString: withDatabaseName(source.url, 'postgres') });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
        [like],
      );
      return rows.map((r) => r.datname);
    } finally {
      await admin.end();
    }
  };
  // Where drills put their dumps (os.tmpdir(): jest's process.env is a copy, so TMPDIR cannot be moved here).
  const dumpFolders = () => readdirSync(tmpdir()).filter((f) => f.startsWith('partner-returns-drill-'));
  const sourceName = () => new URL(source.url).pathname.slice(1);
  const env = () => ({ DATABASE_URL: source.url, REDIS_URL: redis.url, NODE_ENV: 'test' });
  const drill = (extra: Record<string, string>, args: string[]) =>
    runScript(backupDrill, { ...env(), ...extra }, args);

  beforeAll(async () => {
    source = await createTestDatabase('drill_source');
    other = await createTestDatabase('drill_other');
    // A deployment with a log to verify (the drill checks the restored one against its digest).
    await new EventStore(source.dataSource).append(
      'partnership:p1',
      'no_stream',
      [{ type: 'PartnershipRegistered', data: { partnershipId: 'p1', name: 'Partnership One' } }],
      { actorId: 'test', actorRole: 'coordinator', correlationId: 'drill' },
    );
    redis = new DisposableRedis(await freePort());
    await redis.start();
  });
  afterAll(async () => {
    if (child) await kill(child);
    for (const name of await databases(`${sourceName()}_drill_`))
      await dropDatabase(withDatabaseName(source.url, name));
    await redis.stop();
    await other.drop();
    await source.drop();
  });

  it('refuses a DRILL_DATABASE_URL that names a database that exists, and leaves it whole', async () => {
    for (const named of [other, source]) {
      const run = await drill({ DRILL_DATABASE_URL: named.url }, ['--timeout', '30']);
      // Still there, with its tables.
      expect(await databases(new URL(named.url).pathname.slice(1))).toHaveLength(1);
      const [{ tables }]: { tables: number }[] = await named.dataSource.query(
        `SELECT count(*)::int AS tables FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      expect(tables).toBeGreaterThan(10);
      expect(run.code).toBe(1);
      expect(run.out).toContain(`database ${new URL(named.url).pathname.slice(1)} already exists`);
    }
  });

  it('clears the database, dump and queue keys of a drill killed mid-way, and passes', async () => {
    const config = loadConfig(env());
    const foldersBefore = dumpFolders();
    child = spawnWorker(config, {}, [join(ROOT, 'scripts/backup-drill.ts')]);
    const keys = new Redis(redis.url);
    try {
      // Killed once its restored deployment runs: its database restored, its queues in Redis.
      await eventually(
        async () => (await databases(`${sourceName()}_drill_`)).length === 1 && (await keys.dbsize()) > 0,
        120_000,
      );
      await kill(child);
      child = null;
      const [left] = await databases(`${sourceName()}_drill_`);
      const itsDump = dumpFolders().filter((f) => !foldersBefore.includes(f));
      expect(itsDump.length).toBeGreaterThan(0);

      const run = await drill({}, ['--timeout', '120']);
      expect(run.out).toContain('Drill passed');
      expect(run.err).toContain(`drill: dropped ${left}, left by a drill that did not finish`);
      expect(await databases(`${sourceName()}_drill_`)).toEqual([]);
      expect(dumpFolders().filter((f) => itsDump.includes(f))).toEqual([]);
      expect(await keys.dbsize()).toBe(0);
    } finally {
      keys.disconnect();
    }
  }, 240_000);

  it('drills a deployment whose log is empty', async () => {
    // A deployment with no plan imported yet has no digest: its drill failed on '--digest: "root" must be 64 hex
    // digits', as if the backup were broken.
    const empty = await createTestDatabase('drill_empty');
    try {
      const run = await drill({ DATABASE_URL: empty.url }, ['--timeout', '120']);
      expect(run.out).toContain('Drill passed');
      expect(run.out).toContain('ok   the log was empty at the backup, and is now');
      expect(run.err).toContain('drill: the log is empty: no digest yet');
      expect(run.code).toBe(0);
    } finally {
      await empty.drop();
    }
  }, 180_000);
});
