import { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import { loadConfig } from '../libs/config/src/index.js';
import { dropDatabase, RestoreLocks, withDatabaseName } from '../libs/database/src/index.js';
import { backup } from '../scripts/backup.js';
import { restore } from '../scripts/restore.js';
import { eventually } from './support/product.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';
import { kill, spawnWorker } from './support/worker-process.js';
import { runScript } from './support/run-script.js';

const ROOT = join(__dirname, '..');

/**
 * An operator's probe: `npm run restore -- --replace` killed mid-way left its `<db>_restoring_<hex>` database (a
 * copy of the deployment, personal-data keys and all) for good, and no later restore noticed it. Now the next
 * restore of the same database drops what a dead restore left, says so, and leaves alone one whose restore is
 * still running, and any it did not mark.
 */
describe('npm run restore -- --replace and what a killed one leaves (e2e)', () => {
  let source: TestDatabase;
  let target: string;
  let dir: string;
  let file: string;
  /** A backup of the migrated database alone: what the restores below restore when none is killed mid-way. */
  let small: string;
  let child: ChildProcess | null = null;
  // The two looks at an unmarked leftover 200 ms apart, not a deployment's 2 s (scripts/restore.ts, test-only).
  const env = () => ({
    DATABASE_URL: target,
    NODE_ENV: 'test',
    REDIS_URL: process.env.REDIS_URL ?? '',
    RESTORE_UNMARKED_SETTLE_MS: '200',
  });

  const admin = async <T>(use: (c: Client) => Promise<T>): Promise<T> => {
    const c = new Client({ connectionString: withDatabaseName(source.url, 'postgres') });
    await c.connect();
    try {
      return await use(c);
    } finally {
      await c.end();
    }
  };
  const targetName = () => new URL(target).pathname.slice(1);
  const restoring = () =>
    admin(async (c) =>
      (
        await c.query<{ datname: string }>(
          `SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1`,
          [`${targetName()}_restoring_`],
        )
      ).rows.map((r) => r.datname),
    );

  beforeAll(async () => {
    source = await createTestDatabase('restore_src');
    dir = mkdtempSync(join(tmpdir(), 'restore-leftovers-'));
    small = join(dir, 'small.dump');
    expect((await runScript(backup, { DATABASE_URL: source.url }, ['--file', small])).code).toBe(0);
    // Enough rows that restoring them takes a moment: the kill below lands while it runs.
    await source.dataSource.query(
      `INSERT INTO owed_mails (job_id, job_name, job_data, event_position)
       SELECT 'job-' || i, 'chase-mail', jsonb_build_object('n', i, 'pad', repeat('x', 200)), i
       FROM generate_series(1, 300000) AS i`,
    );
    file = join(dir, 'deployment.dump');
    expect((await runScript(backup, { DATABASE_URL: source.url }, ['--file', file])).code).toBe(0);
    const made = await createTestDatabase('restore_target');
    await made.dataSource.destroy();
    target = made.url;
  }, 120_000);
  afterAll(async () => {
    if (child) await kill(child);
    for (const name of await restoring()) await dropDatabase(withDatabaseName(source.url, name));
    await dropDatabase(target);
    await source.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('drops the database a restore killed mid-way left, and says so', async () => {
    const config = loadConfig(env());
    child = spawnWorker(config, {}, [join(ROOT, 'scripts/restore.ts'), '--file', file, '--replace']);
    await eventually(async () => (await restoring()).length === 1, 60_000);
    await kill(child);
    child = null;
    const [left] = await restoring();

    const again = await runScript(restore, env(), ['--file', small, '--replace']);
    expect(again.err).toContain(
      `restore: dropped ${left}, left by a restore of ${targetName()} that did not finish`,
    );
    expect(again.code).toBe(0);
    expect(await restoring()).toEqual([]);
    // The replaced database is the deployment's, unmarked: no later restore takes it for a leftover.
    const [{ mark }] = await admin(
      async (c) =>
        (
          await c.query<{ mark: string | null }>(
            `SELECT shobj_description(oid, 'pg_database') AS mark FROM pg_database WHERE datname = $1`,
            [targetName()],
          )
        ).rows,
    );
    expect(mark).toBeNull();
  }, 120_000);

  it('leaves a restore that is still running alone', async () => {
    const live = `${targetName()}_restoring_11111111`;
    await admin(async (c) => {
      await c.query(`CREATE DATABASE ${escapeIdentifier(live)}`);
      const mark = JSON.stringify({ partnerReturnsRestoreOf: targetName(), as: live });
      await c.query(`COMMENT ON DATABASE ${escapeIdentifier(live)} IS ${escapeLiteral(mark)}`);
    });
    // A restore holding its lock, as a live one does.
    const running = await RestoreLocks.open(target);
    try {
      expect(await running.take(live)).toBe(true);
      const meanwhile = await runScript(restore, env(), ['--file', small, '--replace']);
      expect(meanwhile.code).toBe(0);
      expect(meanwhile.err).not.toContain('restore: dropped');
      expect(await restoring()).toEqual([live]);
    } finally {
      await running.close(); // its session ends, as a killed restore's does
    }
    const after = await runScript(restore, env(), ['--file', small, '--replace']);
    expect(after.err).toContain(`restore: dropped ${live}, left by a restore of ${targetName()}`);
    expect(await restoring()).toEqual([]);
  }, 120_000);

  /**
   * A restore of a release before marks left its database unmarked, and every later restore left it alone ("drop
   * those by hand"): a copy of the deployment, personal-data keys and all, that outlived a person's erasure.
   */
  it("drops what an earlier release's restore left unmarked once nothing uses it, and nothing else", async () => {
    const leftover = `${targetName()}_restoring_22222222`;
    const others = [
      `${targetName()}_restoring_3333333`, // 7 hex digits: not a name a restore makes
      `${targetName()}_restoring_nothex00`,
      `${targetName()}_restoring_44444444`, // commented by someone: not a restore's leftover
      `${targetName()}x_restoring_55555555`, // another database's
    ];
    await admin(async (c) => {
      for (const name of [leftover, ...others]) await c.query(`CREATE DATABASE ${escapeIdentifier(name)}`);
      await c.query(`COMMENT ON DATABASE ${escapeIdentifier(others[2])} IS 'kept for the auditors'`);
    });
    try {
      // An earlier release's restore still filling it: pg_restore is connected to it.
      const filling = new Client({ connectionString: withDatabaseName(source.url, leftover) });
      await filling.connect();
      try {
        const meanwhile = await runScript(restore, env(), ['--file', small, '--replace']);
        expect(meanwhile.code).toBe(0);
        expect(meanwhile.err).toContain(
          `restore: left ${leftover} alone, unmarked beside ${targetName()}: 1 session(s) connected to it`,
        );
        expect(await restoring()).toContain(leftover);
      } finally {
        await filling.end();
      }
      const after = await runScript(restore, env(), ['--file', small, '--replace']);
      expect(after.code).toBe(0);
      expect(after.err).toContain(
        `restore: dropped ${leftover}, left unmarked beside ${targetName()} by a restore of an earlier release that did not finish`,
      );
      expect(await restoring()).toEqual(others.slice(0, 3).sort());
      const [{ n }] = await admin(
        async (c) =>
          (
            await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_database WHERE datname = $1`, [
              others[3],
            ])
          ).rows,
      );
      expect(n).toBe(1);
    } finally {
      for (const name of others) await dropDatabase(withDatabaseName(source.url, name));
    }
  }, 120_000);
});
