import { backup, defaultBackupFile } from '../scripts/backup.js';
import { restore, testSettleMs } from '../scripts/restore.js';
import { backupDrill } from '../scripts/backup-drill.js';

/** The backup scripts' arguments, refused before anything touches a database (exit 2, with the usage). */
describe('npm run backup / restore / backup:drill arguments', () => {
  const env = { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/never_reached' };
  const run = async (command: typeof backup, args: string[]) => {
    const err: string[] = [];
    const code = await command(env, args, { write: () => true }, { write: (t: string) => err.push(t) });
    return { code, err: err.join('') };
  };

  it('names a backup by when it was taken, in UTC, sortable', () => {
    expect(defaultBackupFile(new Date('2026-12-03T14:05:06.789Z'))).toBe(
      'partner-returns-20261203T140506Z.dump',
    );
  });

  it('refuses unknown arguments, a restore without a file, and a file that is not there', async () => {
    expect(await run(backup, ['--out', 'x'])).toEqual({
      code: 2,
      err: expect.stringContaining('backup: unknown argument --out\nUsage: npm run backup'),
    });
    expect(await run(restore, [])).toEqual({
      code: 2,
      err: expect.stringContaining('restore: --file is required\nUsage: npm run restore'),
    });
    expect(await run(restore, ['--file', '/nonexistent/partner-returns.dump'])).toEqual({
      code: 2,
      err: 'restore: refused: no backup file /nonexistent/partner-returns.dump\n',
    });
    // A flag with nothing after it is named as such, not as an unknown argument.
    expect(await run(backup, ['--file'])).toEqual({
      code: 2,
      err: expect.stringContaining('backup: --file needs a path after it\nUsage: npm run backup'),
    });
    expect(await run(restore, ['--replace', '--file'])).toEqual({
      code: 2,
      err: expect.stringContaining('restore: --file needs a path after it\nUsage: npm run restore'),
    });
    expect(await run(backupDrill, ['--now'])).toEqual({
      code: 2,
      err: expect.stringContaining('backup:drill: unknown argument --now\nUsage: npm run backup:drill'),
    });
  });

  it('takes RESTORE_UNMARKED_SETTLE_MS only with NODE_ENV=test: a deployment always waits 2 s between its looks', () => {
    const env = { RESTORE_UNMARKED_SETTLE_MS: '200' };
    expect(testSettleMs(env, 'test')).toBe(200);
    expect(testSettleMs(env, 'production')).toBeUndefined();
    expect(testSettleMs(env, 'development')).toBeUndefined();
    for (const value of ['', 'soon', '-1', '1.5'])
      expect(testSettleMs({ RESTORE_UNMARKED_SETTLE_MS: value }, 'test')).toBeUndefined();
    expect(testSettleMs({}, 'test')).toBeUndefined();
  });
});
