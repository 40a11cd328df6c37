import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { backup } from '../scripts/backup.js';
import {
  backupDatabase,
  dropDatabase,
  ensureDatabase,
  withDatabaseName,
} from '../libs/database/src/index.js';
import { runScript } from './support/run-script.js';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * The file `npm run backup` writes (an operator's probe): it holds the personal-data keys and the session and
 * token hashes, and was left -rw-r--r-- by the umask; and the README's own `--file /backups/…` failed where that
 * folder did not exist. An empty database is enough: the file's mode and folder do not depend on what it holds.
 */
describe('npm run backup: the file it writes', () => {
  const database = withDatabaseName(ADMIN_URL, `pr_backup_file_${randomBytes(4).toString('hex')}`);
  let dir: string;
  let umask: number;

  beforeAll(async () => {
    await ensureDatabase(database);
    dir = mkdtempSync(join(tmpdir(), 'pr-backup-file-'));
    // The usual umask, whatever this machine's is: without it a plain create gives 0644.
    umask = process.umask(0o022);
  });
  afterAll(async () => {
    process.umask(umask);
    rmSync(dir, { recursive: true, force: true });
    await dropDatabase(database);
  });

  const run = (file: string) => runScript(backup, { DATABASE_URL: database }, ['--file', file]);
  const mode = (path: string) => statSync(path).mode & 0o777;

  it('is readable by its owner only, in folders it makes readable by their owner only', async () => {
    const file = join(dir, 'backups', 'nightly', 'partner-returns.dump');
    const written = await run(file);
    expect(written).toMatchObject({ code: 0, out: expect.stringContaining(`Backed up to ${file}`) });
    expect(written.err).toContain(`backup: made the folder ${join(dir, 'backups', 'nightly')} (mode 0700)`);
    expect(mode(file).toString(8)).toBe('600');
    expect(mode(join(dir, 'backups')).toString(8)).toBe('700');
    expect(mode(join(dir, 'backups', 'nightly')).toString(8)).toBe('700');
    expect(existsSync(`${file}.partial`)).toBe(false);

    // A .partial left readable by an interrupted run is made anew, not written into as it was.
    const again = join(dir, 'backups', 'nightly', 'again.dump');
    writeFileSync(`${again}.partial`, 'left by a backup killed midway', { mode: 0o644 });
    expect(await run(again)).toMatchObject({ code: 0 });
    expect(mode(again).toString(8)).toBe('600');
  });

  it('fails in one line naming the backup, not "Could not start", and leaves no file', async () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, '');
    const failed = await run(join(file, 'x.dump'));
    expect(failed.code).toBe(1);
    expect(failed.err).toMatch(/^backup: failed: .*not-a-folder/m);
    expect(failed.err).not.toContain('Could not start');
  });

  it('refuses a folder given as --file in one line, before dumping anything, and leaves nothing in it', async () => {
    // An operator's probe: `--file /backups/` dumped the whole database, failed at the rename, and left the whole
    // dump, keys and all, as a hidden `/backups/.partial`.
    const folder = join(dir, 'given-a-folder');
    mkdirSync(folder);
    for (const given of [folder, `${folder}/`, join(dir, 'not-there-yet') + '/']) {
      const refused = await run(given);
      expect(refused.code).toBe(2);
      expect(refused.err.trim().split('\n')).toEqual([
        expect.stringMatching(
          /^backup: --file .* is a folder: name the file in it, e\.g\. .*partner-returns-\d{8}T\d{6}Z\.dump$/,
        ),
      ]);
      expect(refused.err).not.toContain('dumping contents');
    }
    expect(readdirSync(folder)).toEqual([]);
    expect(existsSync(join(dir, 'not-there-yet'))).toBe(false);

    // Called on a name a folder has taken, the dump itself removes what it wrote when the rename fails.
    const failed = await backupDatabase(database, folder, { write: () => undefined }).catch((e: Error) => e);
    expect(String(failed)).toMatch(/rename/);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });
});
