import { statSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, startupFailureLines } from '../libs/config/src/index.js';
import { backupDatabase } from '../libs/database/src/index.js';

export const BACKUP_USAGE = `Usage: npm run backup [-- --file <path>]

Writes a pg_dump (custom format) of the database at DATABASE_URL to <path> (default
partner-returns-<UTC time>.dump in the current folder), with the server's own client tools. Safe while the api and
worker run: pg_dump reads one consistent snapshot. The file is readable by its owner only (0600: it holds the
personal-data keys), and a missing folder is made (0700). Progress on stderr; the file, its size and time on
stdout. Exit 0 written, 1 failed, 2 bad arguments. Restore it with npm run restore (see the README's Backups).`;

/** The default file name: when it was taken, sortable, in UTC. */
export const defaultBackupFile = (now = new Date()) =>
  `partner-returns-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}.dump`;

/** `npm run backup`: 0 written, 1 failed (one line saying why), 2 bad arguments. */
export async function backup(
  env: Record<string, string | undefined>,
  args: readonly string[],
  out: { write(text: string): unknown },
  err: { write(text: string): unknown },
): Promise<number> {
  let file = defaultBackupFile();
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--file' && i + 1 < args.length) file = args[++i];
    else if (args[i].startsWith('--file=')) file = args[i].slice('--file='.length);
    else if (args[i] === '--file') {
      // Last, with nothing after it: once said to be an unknown argument, which it is not.
      err.write(`backup: --file needs a path after it\n${BACKUP_USAGE}\n`);
      return 2;
    } else {
      err.write(`backup: unknown argument ${args[i]}\n${BACKUP_USAGE}\n`);
      return 2;
    }
  }
  // A folder (`--file /backups/`, as cp takes one) used to be dumped into whole, then fail at the rename, leaving
  // the complete dump as a hidden `/backups/.partial`: refused before anything is read.
  if (file.endsWith('/') || statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
    err.write(
      `backup: --file ${file} is a folder: name the file in it, e.g. ${join(file, defaultBackupFile())}\n`,
    );
    return 2;
  }
  const databaseUrl = loadConfig(env).databaseUrl;
  let written: { bytes: number; ms: number };
  try {
    written = await backupDatabase(databaseUrl, file, err);
  } catch (error) {
    // Not "Could not start": the backup started, and this is why it did not finish (no file is left behind).
    err.write(`backup: failed: ${(error as Error).message}\n`);
    return 1;
  }
  const { bytes, ms } = written;
  out.write(`Backed up to ${file}: ${bytes.toLocaleString('en-GB')} bytes in ${(ms / 1000).toFixed(1)} s.\n`);
  return 0;
}

if (require.main === module) {
  backup(process.env, process.argv.slice(2), process.stdout, process.stderr).then(
    (code) => process.exit(code),
    (error: unknown) => {
      for (const line of startupFailureLines(error)) console.error(line);
      process.exit(1);
    },
  );
}
