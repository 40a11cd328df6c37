import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import { databaseName, withDatabaseName } from './database-url.js';
import { adminClient, dropDatabase, ensureDatabase } from './ensure-database.js';
import { MarkedDatabaseLocks, markOf, ServerDatabase } from './marked-databases.js';
import { checkBackupFile } from './backup-file-check.js';
import { RestoreRefused } from './restore-refused.js';
import { unfinishedRestoreMark } from './unfinished-restore.js';

/** Where progress lines go (stderr in the scripts). */
export interface ProgressLines {
  write(text: string): unknown;
}

export { RestoreRefused };

async function withClient<T>(url: string, use: (client: Client) => Promise<T>): Promise<T> {
  const client = await adminClient(url, null);
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

/**
 * The client tool (pg_dump, pg_restore) for the server behind `url`: pg_dump refuses a server newer than itself,
 * and an older pg_restore cannot read a newer dump, so the tool of the server's own major version is taken when
 * it is installed (Debian's /usr/lib/postgresql/<major>/bin), else the first on PG_BIN or the PATH; its version
 * is checked, not assumed.
 */
export async function clientTool(
  url: string,
  tool: 'pg_dump' | 'pg_restore',
  env = process.env,
): Promise<string> {
  const serverMajor = await withClient(url, async (c) =>
    Math.floor(
      Number((await c.query(`SELECT current_setting('server_version_num') AS v`)).rows[0].v) / 10_000,
    ),
  );
  const candidates = [
    ...(env.PG_BIN ? [join(env.PG_BIN, tool)] : []),
    `/usr/lib/postgresql/${serverMajor}/bin/${tool}`,
    tool,
  ];
  for (const candidate of candidates) {
    if (candidate.includes('/') && !existsSync(candidate)) continue;
    const run = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    const major = Number(/(\d+)(?:\.\d+)?/.exec(run.stdout ?? '')?.[1]);
    if (run.status === 0 && major >= serverMajor) return candidate;
  }
  throw new Error(
    `no ${tool} of PostgreSQL ${serverMajor} or later found (tried ${candidates.join(', ')}); ` +
      `install the server's client tools or set PG_BIN to their folder`,
  );
}

const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * Runs a client tool, passing its verbose lines that name a table to `progress` as `<label>: <line>`.
 *
 * Ctrl-C (SIGINT), SIGTERM or a closed terminal (SIGHUP) while it runs stops the tool and fails the run, so that
 * its caller cleans up what it made (the backup's .partial, the restore's database): each used to end the script
 * there and then, leaving them.
 */
function run(command: string, args: string[], label: string, progress: ProgressLines): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its own process group: Ctrl-C at a terminal reaches the script alone, which stops the tool and then cleans up
    // (with both getting it, the tool's exit could be seen first and the script's own SIGINT end it mid-cleanup).
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let interrupted: NodeJS.Signals | null = null;
    const stop = (signal: NodeJS.Signals) => {
      interrupted = signal;
      child.kill('SIGTERM');
    };
    for (const signal of STOP_SIGNALS) process.on(signal, stop);
    const settled = () => {
      for (const signal of STOP_SIGNALS) process.off(signal, stop);
    };
    const errors: string[] = [];
    let rest = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const text = line.replace(/^(pg_dump|pg_restore): /, '');
        if (/^(error|fatal|warning|detail|hint)/i.test(text)) errors.push(text);
        else if (/(dumping contents of table|processing data for table)/.test(text))
          progress.write(`${label}: ${text}\n`);
      }
    });
    child.once('error', (error) => {
      settled();
      reject(error);
    });
    child.once('exit', (code) => {
      settled();
      if (interrupted) return reject(new Error(`${label} interrupted (${interrupted})`));
      if (code === 0) return resolve();
      reject(new Error(`${label} failed (exit ${code}): ${errors.slice(0, 5).join('; ') || rest}`));
    });
  });
}

/**
 * `pg_dump -Fc` of the whole database into `file`: one consistent snapshot (pg_dump reads every table in one
 * repeatable-read transaction), taken while the api and worker keep writing. Written beside the file first and
 * renamed when complete, so a failed or interrupted backup never leaves a file that looks whole.
 *
 * The file holds the personal-data keys and the session and token hashes: it is created readable by its owner
 * only (0600) before pg_dump writes a byte into it (pg_dump opens it as it is, so no umask's 0644 is ever seen),
 * and a missing folder is made, readable by its owner only (0700), rather than failing the backup.
 */
export async function backupDatabase(
  databaseUrl: string,
  file: string,
  progress: ProgressLines,
): Promise<{ bytes: number; ms: number }> {
  const started = Date.now();
  const pgDump = await clientTool(databaseUrl, 'pg_dump');
  const partial = `${file}.partial`;
  const folder = dirname(file);
  if (!existsSync(folder)) {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    progress.write(`backup: made the folder ${folder} (mode 0700)\n`);
  }
  progress.write(`backup: ${databaseName(databaseUrl)} with ${pgDump} to ${file}\n`);
  // A .partial left by a backup killed midway is replaced: made anew, so its mode is this one's.
  rmSync(partial, { force: true });
  closeSync(openSync(partial, 'wx', 0o600));
  try {
    await run(
      pgDump,
      ['--format=custom', '--verbose', `--file=${partial}`, `--dbname=${databaseUrl}`],
      'backup',
      progress,
    );
    // In the try: a rename that fails (the name taken by a folder) leaves no whole dump under a hidden name.
    renameSync(partial, file);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  const bytes = statSync(file).size;
  const ms = Date.now() - started;
  progress.write(`backup: done, ${(bytes / 1e6).toFixed(1)} MB in ${(ms / 1000).toFixed(1)} s\n`);
  return { bytes, ms };
}

/** Tables, views and sequences outside PostgreSQL's own schemas: what makes a database not empty. */
export async function relationsIn(databaseUrl: string): Promise<number> {
  return withClient(databaseUrl, async (c) => {
    const { rows } = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_class r JOIN pg_namespace n ON n.oid = r.relnamespace
       WHERE r.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
         AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'`,
    );
    return rows[0].n;
  });
}

/**
 * `pg_restore` of a `backupDatabase` file into the database of `databaseUrl`, created when missing. A database
 * that holds anything is refused (RestoreRefused) unless `replace` is set. Then the file is restored into a new
 * database beside it first, and only once that has succeeded is the old one renamed aside (its sessions ended)
 * and the new one renamed in its place, in one transaction, and the old one dropped after: a file that is cut
 * short, or not a backup at all, leaves the old database as it was (it used to be dropped first, and left empty),
 * and a restore killed at any step leaves the old database or the new one under the target's name (it used to
 * drop the old one and then rename, and killed between the two left no database under the name). The restore is
 * one transaction (`--single-transaction`): it
 * lands whole or not at all. Owners and grants are left out (`--no-owner --no-acl`): the objects belong to the
 * role restoring, as migrations made them; roles are the server's, not the database's (see the README's Backups
 * on BI roles).
 */
export async function restoreDatabase(
  file: string,
  databaseUrl: string,
  options: { replace: boolean; unmarkedSettleMs?: number; pauseAt?: PauseAt },
  progress: ProgressLines,
): Promise<{ ms: number }> {
  const started = Date.now();
  if (!existsSync(file) || !statSync(file).isFile()) throw new RestoreRefused(`no backup file ${file}`);
  // Asked of the server's own database: the target may not exist yet, and nothing is made before the file passes.
  const tool = await clientTool(withDatabaseName(databaseUrl, 'postgres'), 'pg_restore');
  await checkBackupFile(file, tool, progress);
  const locks = await RestoreLocks.open(databaseUrl, options.unmarkedSettleMs);
  try {
    // Whatever a restore of this target that died left beside it goes first, whichever way this one restores.
    for (const line of await locks.clearDead(databaseUrl)) progress.write(`${line}\n`);
    const created = await ensureDatabase(databaseUrl);
    const relations = await relationsIn(databaseUrl);
    if (relations === 0) {
      await restoreInto(file, databaseUrl, created, progress);
      return { ms: Date.now() - started };
    }
    if (!options.replace)
      throw new RestoreRefused(
        `database ${databaseName(databaseUrl)} is not empty (${relations} tables, views or sequences): ` +
          `restore into a new database, or pass --replace to drop it and restore in its place`,
      );
    await replaceDatabase(file, databaseUrl, locks, options, progress);
  } finally {
    await locks.close();
  }
  return { ms: Date.now() - started };
}

/**
 * Into an empty target. pg_restore's one transaction leaves it empty when it fails, and a target this restore
 * created is dropped then, rather than left behind empty (a file that passed the checks may still fail: a disk
 * that fills, a Ctrl-C).
 */
async function restoreInto(
  file: string,
  databaseUrl: string,
  created: boolean,
  progress: ProgressLines,
): Promise<void> {
  try {
    await pgRestore(file, databaseUrl, progress);
  } catch (error) {
    if (created) {
      await dropDatabase(databaseUrl).catch(() => undefined);
      progress.write(`restore: dropped ${databaseName(databaseUrl)}, which this restore had created\n`);
    } else progress.write(`restore: ${databaseName(databaseUrl)} is left empty, as it was\n`);
    throw error;
  }
}

/** The file restored beside the target, then put in its place, under the lock and mark of RestoreLocks. */
async function replaceDatabase(
  file: string,
  databaseUrl: string,
  locks: RestoreLocks,
  options: { pauseAt?: PauseAt },
  progress: ProgressLines,
): Promise<void> {
  const target = databaseName(databaseUrl);
  const besideName = besideNameOf(target, randomBytes(4).toString('hex'));
  const beside = withDatabaseName(databaseUrl, besideName);
  // Held until the new database has its place: while it is, no other restore takes this one for dead.
  if (!(await locks.take(besideName))) throw new Error(`${besideName} is held by another restore`);
  await locks.create(beside, { partnerReturnsRestoreOf: target, as: besideName });
  try {
    await pgRestore(file, beside, progress);
  } catch (error) {
    await dropDatabase(beside).catch(() => undefined);
    progress.write(`restore: ${target} is left as it was\n`);
    throw error;
  }
  // The live database is renamed aside, never dropped before the restored one has its name: both renames are one
  // transaction, so a restore killed during them leaves the target as it was, and one killed after leaves the old
  // database under a name that says what it is (the next restore names it, and how to finish or undo).
  const asideName = replacedNameOf(target, besideName.slice(besideName.lastIndexOf('_') + 1));
  if (!(await locks.take(asideName))) throw new Error(`${asideName} is held by another restore`);
  progress.write(
    `restore: replacing ${target} with what was restored (--replace): ${target} is renamed ${asideName} and ` +
      `dropped once the restored database has its name\n`,
  );
  try {
    await locks.swapIn(besideName, target, asideName, options.pauseAt);
  } catch (error) {
    // The swap's transaction was rolled back: the target is as it was, and what was restored goes.
    await dropDatabase(beside).catch(() => undefined);
    progress.write(`restore: ${target} is left as it was\n`);
    throw error;
  }
  await options.pauseAt?.('swapped');
  await dropDatabase(withDatabaseName(databaseUrl, asideName));
  progress.write(`restore: ${target} replaced; what it held before (${asideName}) is dropped\n`);
}

/**
 * Called at the named steps of a `--replace` swap (tests only, see scripts/restore.ts: a deployment passes none):
 * 'swapping' once the target is renamed aside inside the swap's transaction, 'swapped' once it has committed.
 */
export type PauseAt = (step: 'swapping' | 'swapped') => Promise<void>;

/** What the target a `--replace` restore renamed aside says about itself, in its comment, until it is dropped. */
interface ReplacedMark {
  partnerReturnsReplacedBy: 'restore';
  of: string;
  as: string;
  at: string;
}

/** What a database a `--replace` restore is filling says about itself, in its comment. */
interface RestoreMark {
  partnerReturnsRestoreOf: string;
  /** Its own name: a database renamed in its target's place no longer matches it, so it is never taken for dead. */
  as: string;
}

const RESTORE_LOCKS = 'partner-returns-restore';

/**
 * The databases `--replace` restores fill beside their target, and what a restore that dies leaves. A restore
 * killed mid-way (kill -9, a host restart) left its `<db>_restoring_<hex>` database, a whole or partial copy of
 * the deployment with its personal-data keys, for good, unnoticed by every restore after. So such a database is
 * marked with a comment naming its target and itself, and the restore holds an advisory lock on its name, on the
 * server's `postgres` database, for as long as it runs (a session that ends, however, lets its locks go). A
 * database so marked whose lock nobody holds belongs to a restore that died: the next restore of the same target
 * drops it and says so (as `npm run backup:drill` does with its own, scripts/drill-databases.ts).
 */
export class RestoreLocks extends MarkedDatabaseLocks {
  private unmarkedSettleMs = UNMARKED_SETTLE_MS;

  /** `unmarkedSettleMs` is for tests only (see scripts/restore.ts): a deployment always waits UNMARKED_SETTLE_MS. */
  static async open(anyDatabaseUrl: string, unmarkedSettleMs = UNMARKED_SETTLE_MS): Promise<RestoreLocks> {
    const locks = new RestoreLocks(await MarkedDatabaseLocks.connect(anyDatabaseUrl), RESTORE_LOCKS);
    locks.unmarkedSettleMs = unmarkedSettleMs;
    return locks;
  }

  /** Creates the database to restore into and marks it as this restore's (one that exists is an error). */
  async create(databaseUrl: string, mark: RestoreMark): Promise<void> {
    const name = escapeIdentifier(databaseName(databaseUrl));
    await this.client.query(`CREATE DATABASE ${name}`);
    await this.client.query(`COMMENT ON DATABASE ${name} IS ${escapeLiteral(JSON.stringify(mark))}`);
  }

  /**
   * The restored database in its target's place, no longer marked, and the target renamed `asideName` and marked
   * as replaced, in one transaction (ALTER DATABASE ... RENAME and COMMENT are transactional): the target's name
   * is never missing, as it was between the drop and the rename this replaced. A rename fails while anyone is
   * connected to the database, so the target's sessions are ended first; one that connects again meanwhile
   * fails the rename, and it is tried again.
   */
  async swapIn(besideName: string, target: string, asideName: string, pauseAt?: PauseAt): Promise<void> {
    const mark: ReplacedMark = {
      partnerReturnsReplacedBy: 'restore',
      of: target,
      as: asideName,
      at: new Date().toISOString(),
    };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.query('BEGIN');
        await this.client.query(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
          [target],
        );
        await this.client.query(
          `ALTER DATABASE ${escapeIdentifier(target)} RENAME TO ${escapeIdentifier(asideName)}`,
        );
        await this.client.query(
          `COMMENT ON DATABASE ${escapeIdentifier(asideName)} IS ${escapeLiteral(JSON.stringify(mark))}`,
        );
        await pauseAt?.('swapping');
        await this.client.query(
          `ALTER DATABASE ${escapeIdentifier(besideName)} RENAME TO ${escapeIdentifier(target)}`,
        );
        // Marked until the restore has finished what it does after the swap: see UnfinishedRestoreMark.
        await this.client.query(
          `COMMENT ON DATABASE ${escapeIdentifier(target)} IS ${escapeLiteral(JSON.stringify(unfinishedRestoreMark(target)))}`,
        );
        await this.client.query('COMMIT');
        return;
      } catch (error) {
        await this.client.query('ROLLBACK').catch(() => undefined);
        // 55006 object_in_use: a session connected to the target again between its end and the rename.
        if ((error as { code?: string }).code !== '55006' || attempt === 5) throw error;
      }
    }
  }

  /**
   * What a `--replace` restore of this target renamed aside and did not live to drop (nobody holds its lock): left
   * as it is, the deployment's data before that restore, with one line saying how to finish or undo it.
   */
  async replacedLeftovers(target: string): Promise<string[]> {
    const { rows } = await this.client.query<ServerDatabase>(
      `SELECT datname, shobj_description(oid, 'pg_database') AS mark FROM pg_database ORDER BY datname`,
    );
    const lines: string[] = [];
    for (const row of rows) {
      const mark = markOf<ReplacedMark>(
        row.mark,
        (m) =>
          m.partnerReturnsReplacedBy === 'restore' && typeof m.of === 'string' && typeof m.at === 'string',
      );
      if (mark?.of !== target || mark.as !== row.datname) continue;
      if (!(await this.take(row.datname))) continue; // its restore is running now, and drops it
      await this.release(row.datname);
      const aside = escapeIdentifier(row.datname);
      const live = escapeIdentifier(target);
      const unwanted = escapeIdentifier(`${target.slice(0, 40)}_unwanted`);
      lines.push(
        `restore: left ${row.datname} alone: it is what ${target} held until a restore --replace put a backup in ` +
          `its place at ${mark.at} and stopped before dropping it; to keep that restore, run the restore again ` +
          `(its read models were not rebuilt) and then DROP DATABASE ${aside}; to undo it, with the api and ` +
          `worker stopped, ALTER DATABASE ${live} RENAME TO ${unwanted}, ALTER DATABASE ${aside} RENAME TO ` +
          `${live} and DROP DATABASE ${unwanted}`,
      );
    }
    return lines;
  }

  /**
   * Drops the databases that restores of this target left when they died (marked, still under the name they were
   * marked with, and nobody holds their lock), and those an earlier release's restores left unmarked (see
   * clearUnmarked); returns a line for each, dropped or left.
   */
  async clearDead(targetUrl: string): Promise<string[]> {
    const target = databaseName(targetUrl);
    const marked = await this.dropDead(
      ({ datname, mark }) => {
        const ours = markOf<RestoreMark>(
          mark,
          (m) => typeof m.partnerReturnsRestoreOf === 'string' && typeof m.as === 'string',
        );
        return ours?.partnerReturnsRestoreOf === target &&
          ours.as === datname &&
          datname.includes('_restoring_')
          ? ours
          : null;
      },
      async (name) => {
        await dropDatabase(withDatabaseName(targetUrl, name));
        return `restore: dropped ${name}, left by a restore of ${target} that did not finish`;
      },
    );
    return [...marked, ...(await this.clearUnmarked(target)), ...(await this.replacedLeftovers(target))];
  }

  /**
   * A restore of a release before marks left its `<db>_restoring_<hex>` unmarked, and nothing ever dropped it: a
   * copy of the deployment with its personal-data keys, outliving a person's erasure. One named exactly as that
   * release named this target's (`besideNameOf`'s prefix, then 8 or more hex digits), with no comment at all, is
   * dropped once it is seen idle twice, UNMARKED_SETTLE_MS (unmarkedSettleMs) apart: no session connected to it,
   * no lock on it or in it, nobody holding its advisory lock, and this target in place. A restore of that release
   * still running is connected to it while pg_restore fills it, and between pg_restore and the rename it has
   * dropped the target or is about to (by the second look the database is renamed away, or the target is gone):
   * either way it is left, and so is one that is in use, saying so. The drop itself is a plain DROP DATABASE, which
   * fails rather than end a session that connects meanwhile.
   */
  private async clearUnmarked(target: string): Promise<string[]> {
    const pattern = new RegExp(`^${escapeRegExp(besideNameOf(target, ''))}[0-9a-f]{8,}$`);
    const candidates = (await this.unmarkedIdle(target)).filter(
      (c) => pattern.test(c.datname) && c.mark === null,
    );
    if (candidates.length === 0) return [];
    const lines: string[] = [];
    const busy = candidates.filter((c) => !c.idle);
    for (const c of busy)
      lines.push(
        `restore: left ${c.datname} alone, unmarked beside ${target}: ${c.why} (run again once it is not)`,
      );
    const idle = candidates.filter((c) => c.idle).map((c) => c.datname);
    if (idle.length === 0) return lines;
    await new Promise((r) => setTimeout(r, this.unmarkedSettleMs));
    const again = new Map((await this.unmarkedIdle(target)).map((c) => [c.datname, c]));
    for (const name of idle) {
      const now = again.get(name);
      if (!now) continue; // renamed into place, or dropped, meanwhile: not a leftover
      if (!now.idle || now.mark !== null) {
        lines.push(
          `restore: left ${name} alone, unmarked beside ${target}: ${now.why || 'marked meanwhile'}`,
        );
        continue;
      }
      if (!(await this.take(name))) continue; // a restore of this release has it
      try {
        await this.client.query(`DROP DATABASE ${escapeIdentifier(name)}`);
        lines.push(
          `restore: dropped ${name}, left unmarked beside ${target} by a restore of an earlier release that did not finish`,
        );
      } catch (error) {
        lines.push(`restore: left ${name} alone, unmarked beside ${target}: ${(error as Error).message}`);
      } finally {
        await this.release(name);
      }
    }
    return lines;
  }

  /**
   * Every `_restoring_` database with its comment, and whether it is idle: no session connected to it and no
   * lock held on it or in it; none is idle while `target` itself is missing (a restore between its drop and its
   * rename).
   */
  private async unmarkedIdle(
    target: string,
  ): Promise<{ datname: string; mark: string | null; idle: boolean; why: string }[]> {
    const { rows } = await this.client.query<{
      datname: string;
      mark: string | null;
      sessions: number;
      locks: number;
      target_there: boolean;
    }>(
      `SELECT d.datname, shobj_description(d.oid, 'pg_database') AS mark,
              (SELECT count(*)::int FROM pg_stat_activity a WHERE a.datid = d.oid) AS sessions,
              (SELECT count(*)::int FROM pg_locks l
                WHERE l.database = d.oid
                   OR (l.classid = 'pg_database'::regclass AND l.objid = d.oid)) AS locks,
              EXISTS (SELECT 1 FROM pg_database t WHERE t.datname = $2) AS target_there
       FROM pg_database d WHERE starts_with(d.datname, $1)`,
      [besideNameOf(target, ''), target],
    );
    return rows.map((r) => {
      const why =
        r.sessions > 0
          ? `${r.sessions} session(s) connected to it`
          : r.locks > 0
            ? `${r.locks} lock(s) held on it`
            : !r.target_there
              ? `${target} itself is missing (a restore may be putting it in place)`
              : '';
      return { datname: r.datname, mark: r.mark, idle: why === '', why };
    });
  }
}

/** How long an unmarked leftover must stay idle between two looks before it is dropped. */
const UNMARKED_SETTLE_MS = 2_000;

/** The database a `--replace` restore fills beside `target`: this release's naming, and every earlier one's. */
const besideNameOf = (target: string, hex: string) => `${target.slice(0, 40)}_restoring_${hex}`;

/** Where a `--replace` restore puts the target it replaces until the restored one has its name. */
const replacedNameOf = (target: string, hex: string) => `${target.slice(0, 40)}_replaced_${hex}`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function pgRestore(file: string, databaseUrl: string, progress: ProgressLines): Promise<void> {
  const tool = await clientTool(databaseUrl, 'pg_restore');
  progress.write(`restore: ${file} into ${databaseName(databaseUrl)} with ${tool}\n`);
  await run(
    tool,
    [
      '--verbose',
      '--single-transaction',
      '--exit-on-error',
      '--no-owner',
      '--no-acl',
      `--dbname=${databaseUrl}`,
      file,
    ],
    'restore',
    progress,
  );
}
