import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { RestoreRefused } from './restore-refused.js';

/** pg_restore's own first complaint, in a few words (its "pg_restore: error: " dropped). */
function complaint(error: unknown): string {
  const stderr = String((error as { stderr?: string }).stderr ?? '');
  const line = stderr
    .split('\n')
    .map((l) => l.replace(/^pg_restore: (error: )?/, '').trim())
    .find((l) => l !== '');
  return line ?? (error as Error).message.split('\n')[0];
}

function pgRestoreOf(tool: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(tool, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(Object.assign(error, { stderr })) : resolve(stdout),
    ),
  );
}

/**
 * Refuses (RestoreRefused, one line naming the file and what is wrong) a file that is not a whole backup of this
 * service, before the restore creates or touches any database. Given random bytes, an empty file, a text file or a
 * backup cut short, `npm run restore` used to create the target, fail in pg_restore, and leave it there empty.
 * Three looks, cheapest first: the file has bytes; pg_restore can read its table of contents, which names the
 * events table; pg_restore reads every entry through to the end (to no database: its SQL goes to /dev/null), so
 * a file cut short in its data is found here too, not half-way through the restore.
 */
export async function checkBackupFile(
  file: string,
  pgRestore: string,
  progress: { write(text: string): unknown },
): Promise<void> {
  const size = statSync(file).size;
  if (size === 0) throw new RestoreRefused(`${file} is empty: it is not a backup`);
  let contents: string;
  try {
    contents = await pgRestoreOf(pgRestore, ['--list', file]);
  } catch (error) {
    // A backup's header read whole, its table of contents not: cut short, not some other file.
    if (/end of file/i.test(complaint(error))) throw cutShort(file, error);
    throw new RestoreRefused(
      `${file} is not a backup made by npm run backup (pg_dump's custom format): ${complaint(error)}`,
    );
  }
  if (!/^\d+; \d+ \d+ TABLE public events /m.test(contents))
    throw new RestoreRefused(
      `${file} is a pg_dump archive, but not of a Partner Returns database (it holds no events table)`,
    );
  progress.write(
    `restore: reading ${file} through (${size.toLocaleString('en-GB')} bytes) before restoring\n`,
  );
  try {
    await pgRestoreOf(pgRestore, ['--file=/dev/null', file]);
  } catch (error) {
    throw cutShort(file, error);
  }
}

const cutShort = (file: string, error: unknown) =>
  new RestoreRefused(`${file} is cut short or damaged: ${complaint(error)}`);
