import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, withDatabaseName } from '../libs/database/src/index.js';
import { backup } from '../scripts/backup.js';
import { restore } from '../scripts/restore.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';
import { kill, NODE_COMPILE_CACHE } from './support/worker-process.js';
import { runScript } from './support/run-script.js';

const ROOT = join(__dirname, '..');

/**
 * An operator's probe: `npm run restore -- --replace` dropped the live database and then renamed the restored one
 * into its place. Killed between the two (kill -9, a power cut), the deployment had no database under its name and
 * its data was only under a `_restoring_` name nobody knew, which the next restore dropped as a leftover. Now the
 * live database is renamed aside and the restored one renamed in, in one transaction, and the old one dropped only
 * after: the real restore process is killed at each step (RESTORE_PAUSE_AT, a test-only pause) and the deployment's
 * name always holds the old database or the new one, and the old one is never lost without a word.
 */
describe('npm run restore -- --replace killed while it swaps the databases (e2e)', () => {
  let source: TestDatabase;
  let dir: string;
  let file: string;
  const targets: string[] = [];
  let child: ChildProcess | null = null;

  const admin = async <T>(use: (c: Client) => Promise<T>): Promise<T> => {
    const c = new Client({ connectionString: withDatabaseName(source.url, 'postgres') });
    await c.connect();
    try {
      return await use(c);
    } finally {
      await c.end();
    }
  };
  const databasesLike = (prefix: string) =>
    admin(async (c) =>
      (
        await c.query<{ datname: string }>(
          `SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY 1`,
          [prefix],
        )
      ).rows.map((r) => r.datname),
    );
  /** Which of the two the database holds: the live deployment's data ('old') or the backup's ('new'). */
  const holds = async (url: string): Promise<string> => {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query<{ v: string }>(`SELECT v FROM operator_probe`)).rows[0].v;
    } finally {
      await c.end();
    }
  };

  beforeAll(async () => {
    source = await createTestDatabase('swap_src');
    await source.dataSource.query(
      `CREATE TABLE operator_probe (v text); INSERT INTO operator_probe VALUES ('new')`,
    );
    dir = mkdtempSync(join(tmpdir(), 'restore-killed-swap-'));
    file = join(dir, 'deployment.dump');
    expect((await runScript(backup, { DATABASE_URL: source.url }, ['--file', file])).code).toBe(0);
  }, 120_000);
  afterAll(async () => {
    if (child) await kill(child);
    for (const url of targets) {
      const name = new URL(url).pathname.slice(1);
      for (const left of await databasesLike(name)) await dropDatabase(withDatabaseName(source.url, left));
    }
    await source.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A live deployment holding 'old', and the real restore process killed once it says it paused at `step`. */
  async function killedAt(step: string): Promise<{ target: string; name: string; err: string }> {
    const made = await createTestDatabase('swap_live');
    await made.dataSource.query(
      `CREATE TABLE operator_probe (v text); INSERT INTO operator_probe VALUES ('old')`,
    );
    await made.dataSource.destroy();
    targets.push(made.url);
    const started = spawn(
      process.execPath,
      [
        '-r',
        join(__dirname, 'support/register-ts.js'),
        join(ROOT, 'scripts/restore.ts'),
        '--file',
        file,
        '--replace',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'ignore', 'pipe'],
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          DATABASE_URL: made.url,
          REDIS_URL: process.env.REDIS_URL ?? '',
          RESTORE_PAUSE_AT: step,
          NODE_COMPILE_CACHE,
        },
      },
    );
    child = started;
    let err = '';
    // Paused (killed there), or ended on its own: the old code has no pause, and runs to the end.
    await new Promise<void>((resolve) => {
      started.stderr!.on('data', (chunk: Buffer) => {
        err += chunk.toString();
        if (err.includes(`restore: paused at ${step}`)) resolve();
      });
      started.once('exit', () => resolve());
    });
    await kill(started);
    child = null;
    return { target: made.url, name: new URL(made.url).pathname.slice(1), err };
  }

  it('killed inside the swap: the deployment keeps its old database, and the next restore finishes the job', async () => {
    const { target, name, err } = await killedAt('swapping');
    expect(err).toContain('restore: paused at swapping');
    expect(await holds(target)).toBe('old');
    expect(await databasesLike(`${name}_replaced_`)).toEqual([]);

    const again = await runScript(restore, { DATABASE_URL: target, NODE_ENV: 'test' }, [
      '--file',
      file,
      '--replace',
    ]);
    expect(again.err).toMatch(new RegExp(`restore: dropped ${name}_restoring_[0-9a-f]+, left by a restore`));
    expect(again.code).toBe(0);
    expect(await holds(target)).toBe('new');
    expect(await databasesLike(`${name}_r`)).toEqual([]);
  }, 120_000);

  it('killed after the swap: the restored database has the name, the old one is kept aside and named', async () => {
    const { target, name, err } = await killedAt('swapped');
    expect(await holds(target)).toBe('new');
    // The old database is still there, under the name the restore printed before it swapped.
    const aside = await databasesLike(`${name}_replaced_`);
    expect(aside).toHaveLength(1);
    expect(err).toContain(`${name} is renamed ${aside[0]}`);
    expect(await holds(withDatabaseName(target, aside[0]))).toBe('old');
    // The api and the worker refuse it, in one line, as their start checks DATABASE_URL: its restore did not
    // finish (the server's transaction ids not moved past the restored events). They started on it as if it had.
    const apiStart = () => ensureDatabase(target, { refuseUnfinishedRestore: true });
    await expect(apiStart()).rejects.toThrow(
      new RegExp(
        `^DATABASE_URL: "${name}" at 127\\.0\\.0\\.1:\\d+ was put in place by a restore --replace \\(at [^)]+\\) that stopped before it finished: nothing was started; run the same restore again`,
      ),
    );

    // The next restore says, in one line, what it is and how to finish or undo; it never drops it.
    const again = await runScript(restore, { DATABASE_URL: target, NODE_ENV: 'test' }, [
      '--file',
      file,
      '--replace',
    ]);
    expect(again.code).toBe(0);
    const line = again.err.split('\n').find((l) => l.startsWith(`restore: left ${aside[0]} alone`));
    expect(line).toContain(`it is what ${name} held until a restore --replace put a backup in its place`);
    expect(line).toContain(`DROP DATABASE "${aside[0]}"`);
    expect(line).toContain(`ALTER DATABASE "${aside[0]}" RENAME TO "${name}"`);
    expect(await holds(withDatabaseName(target, aside[0]))).toBe('old');
    expect(await holds(target)).toBe('new');
    // Finished: the api and the worker start on it.
    await expect(apiStart()).resolves.toBe(false);

    // And the undo it gives, run as written, puts the old database back under the deployment's name.
    const undo = /to undo it, with the api and worker stopped, (.*)$/.exec(line!)![1];
    await admin(async (c) => {
      for (const statement of undo.split(/, | and /)) await c.query(statement);
    });
    expect(await holds(target)).toBe('old');
    expect(await databasesLike(`${name}_`)).toEqual([]);
  }, 120_000);
});
