import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase, withDatabaseName } from '../libs/database/src/index.js';
import { backup } from '../scripts/backup.js';
import { restore } from '../scripts/restore.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';
import { runScript } from './support/run-script.js';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * An operator's probe: `npm run restore` of a file that is not a backup (random bytes, an empty file, a text file, a
 * backup cut short) created the target database, failed in pg_restore and left it behind, empty. Each is now
 * refused in one line naming the file and what is wrong, exit 2, before any database is made; a restore that fails
 * or is interrupted (Ctrl-C) once under way drops the database it made; a backup interrupted leaves no file.
 */
describe('npm run restore of a file that is not a whole backup (e2e)', () => {
  let source: TestDatabase;
  let dir: string;
  let good: string;
  const made: string[] = [];
  const target = () => {
    const url = withDatabaseName(ADMIN_URL, `pr_restore_bad_${randomBytes(4).toString('hex')}`);
    made.push(url);
    return url;
  };
  const exists = async (url: string) => {
    const client = new Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      const name = new URL(url).pathname.slice(1);
      return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    source = await createTestDatabase('restore_bad_src');
    dir = mkdtempSync(join(tmpdir(), 'pr-restore-bad-'));
    good = join(dir, 'good.dump');
    expect(await runScript(backup, { DATABASE_URL: source.url }, ['--file', good])).toMatchObject({
      code: 0,
    });
  });
  afterAll(async () => {
    for (const url of made) await dropDatabase(url);
    await source.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (name: string, bytes: Buffer | string) => {
    const file = join(dir, name);
    writeFileSync(file, bytes);
    return file;
  };

  it.each([
    ['random bytes', () => write('random.dump', randomBytes(5000)), /is not a backup made by npm run backup/],
    ['an empty file', () => write('empty.dump', ''), /is empty: it is not a backup/],
    ['a text file', () => write('notes.txt', 'restore me\n'), /is not a backup made by npm run backup/],
    [
      'a plain SQL dump',
      () => write('plain.sql', '--\n-- PostgreSQL database dump\n--\nCREATE TABLE events (id int);\n'),
      /is not a backup made by npm run backup/,
    ],
    [
      'a backup cut short in its table of contents',
      () => write('cut-toc.dump', readFileSync(good).subarray(0, 3000)),
      /is cut short or damaged: could not read from input file: end of file/,
    ],
    [
      'a backup cut short in its data',
      () => write('cut-data.dump', readFileSync(good).subarray(0, readFileSync(good).length - 200)),
      /is cut short or damaged/,
    ],
  ])('%s: refused in one line naming the file, exit 2, and no database made', async (_what, make, why) => {
    const file = make();
    const url = target();
    const result = await runScript(restore, { DATABASE_URL: url }, ['--file', file]);
    expect(result.code).toBe(2);
    const lines = result.err.trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(new RegExp(`^restore: refused: ${file.replace(/[.]/g, '\\.')} `));
    expect(lines[lines.length - 1]).toMatch(why);
    expect(result.out).toBe('');
    expect(await exists(url)).toBe(false);
  });

  it('a pg_dump archive of another database: refused, naming what it lacks', async () => {
    const other = target();
    await ensureDatabase(other);
    const client = new Client({ connectionString: other });
    await client.connect();
    await client.query('CREATE TABLE notes (id int)');
    await client.end();
    const file = join(dir, 'other.dump');
    expect(await runScript(backup, { DATABASE_URL: other }, ['--file', file])).toMatchObject({ code: 0 });
    const url = target();
    const result = await runScript(restore, { DATABASE_URL: url }, ['--file', file]);
    expect(result).toMatchObject({ code: 2, err: expect.stringContaining('holds no events table') });
    expect(await exists(url)).toBe(false);
  });

  it('an empty database that was there before is left there, empty', async () => {
    const url = target();
    await ensureDatabase(url);
    const result = await runScript(restore, { DATABASE_URL: url }, ['--file', write('x.dump', 'x')]);
    expect(result.code).toBe(2);
    expect(await exists(url)).toBe(true);
  });

  it('a restore interrupted by Ctrl-C drops the database it made, and says so', async () => {
    const url = target();
    const err: string[] = [];
    let sent = false;
    const code = await restore(
      { DATABASE_URL: url },
      ['--file', good],
      { write: () => true },
      {
        write: (text: string) => {
          err.push(text);
          // pg_restore is filling the database: the operator presses Ctrl-C (the signal as the process gets it).
          if (!sent && text.includes('processing data for table')) {
            sent = true;
            process.emit('SIGINT', 'SIGINT');
          }
          return true;
        },
      },
    );
    expect(sent).toBe(true);
    expect(code).toBe(1);
    expect(err.join('')).toContain('restore: failed: restore interrupted (SIGINT)');
    expect(err.join('')).toContain('which this restore had created');
    expect(await exists(url)).toBe(false);
    // And the whole file, restored afterwards, lands.
    expect(await runScript(restore, { DATABASE_URL: url }, ['--file', good])).toMatchObject({ code: 0 });
  });

  it('a backup interrupted by Ctrl-C leaves no file, not even its .partial', async () => {
    const file = join(dir, 'interrupted', 'nightly.dump');
    let sent = false;
    const code = await backup(
      { DATABASE_URL: source.url },
      ['--file', file],
      { write: () => true },
      {
        write: (text: string) => {
          if (!sent && text.includes('dumping contents of table')) {
            sent = true;
            process.emit('SIGINT', 'SIGINT');
          }
          return true;
        },
      },
    );
    expect(sent).toBe(true);
    expect(code).toBe(1);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(join(dir, 'interrupted'))).toEqual([]);
  });
});
