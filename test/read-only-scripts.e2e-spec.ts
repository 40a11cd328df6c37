import { startupFailureLines } from '../libs/config/src/index.js';
import { databaseName } from '../libs/database/src/index.js';
import { logDigest } from '../scripts/log-digest.js';
import { logVerify } from '../scripts/log-verify.js';
import { processorsCli } from '../scripts/processors.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';

/**
 * An operator points a command that only reads at a deployment whose schema is older than the release the command
 * is from (production, before its api and worker were upgraded). The commands used to migrate it there and then,
 * from a shell, before the deployment's own release was ready for it. Each now says in one line that the schema is
 * older and that it changed nothing, exits non-zero, and leaves the schema as it found it.
 */
describe('commands that only read never migrate (e2e, real PostgreSQL)', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let undone: string;
  const sink = { write: () => true };
  const migrationsRun = async () =>
    (await db.dataSource.query<{ name: string }[]>(`SELECT name FROM migrations ORDER BY id`)).map(
      (r) => r.name,
    );

  beforeAll(async () => {
    db = await createTestDatabase('read_only_scripts');
    env = { DATABASE_URL: db.url };
    const before = await migrationsRun();
    // The schema as the release before the last migration left it: that migration's own down().
    await db.dataSource.undoLastMigration({ transaction: 'each' });
    undone = before[before.length - 1];
    expect(await migrationsRun()).toEqual(before.slice(0, -1));
  });
  afterAll(() => db.drop());

  it.each([
    ['log:verify', () => logVerify(env, ['--digest', '0'.repeat(64)], sink, sink)],
    ['log:digest', () => logDigest(env, [], sink, sink)],
    ['log:digest --checkpoint', () => logDigest(env, ['--checkpoint'], sink, sink)],
    ['processors status', () => processorsCli(['status'], env, sink, sink)],
  ])('%s: one line saying the schema is older, and the schema left as it was', async (_name, run) => {
    const before = await migrationsRun();
    const error = await run().then(
      (code) => new Error(`finished with exit ${code}`),
      (e: unknown) => e,
    );
    const total = db.dataSource.migrations.length;
    expect(startupFailureLines(error)).toEqual([
      `DATABASE_URL: the schema of "${databaseName(db.url)}" at 127.0.0.1:5432 is older than this release ` +
        `(1 of ${total} migrations not run, the first ${undone}): this command only reads and does not migrate, ` +
        `so nothing was changed; start this release's api or worker on it to migrate it, or run the release ` +
        `that matches it`,
    ]);
    expect(await migrationsRun()).toEqual(before);
  });

  it('a database that holds no schema at all is said to hold none, and is left empty', async () => {
    const empty = await createTestDatabase('read_only_empty');
    try {
      await empty.dataSource.query(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`);
      const error = await logVerify(
        { DATABASE_URL: empty.url },
        ['--digest', '0'.repeat(64)],
        sink,
        sink,
      ).catch((e: unknown) => e);
      expect(startupFailureLines(error)).toEqual([
        expect.stringMatching(
          /^DATABASE_URL: database ".+" at 127\.0\.0\.1:5432 holds no Partner Returns schema/,
        ),
      ]);
      const [{ n }] = await empty.dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`,
      );
      expect(n).toBe(0);
    } finally {
      await empty.drop();
    }
  });

  it('once the schema is up to date they answer as before', async () => {
    await db.dataSource.runMigrations({ transaction: 'each' });
    expect(await processorsCli(['status'], env, sink, sink)).toBe(0);
    expect(await logDigest(env, [], sink, sink)).toBe(1); // no checkpoint yet: the command's own answer
  });
});
