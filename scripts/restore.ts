import { DataSource } from 'typeorm';
import { loadConfig, startupFailureLines } from '../libs/config/src/index.js';
import {
  markRestoreFinished,
  openDatabase,
  PauseAt,
  restoreDatabase,
  RestoreRefused,
} from '../libs/database/src/index.js';
import { Checkpoint, EventStore, START } from '../libs/event-store/src/index.js';
import { rebuildReadModels } from '../libs/projections/src/index.js';
import { mailOwedBy } from '../libs/queues/src/index.js';
import { REACTIONS, readModels, SCHEMA } from '../apps/composition/src/index.js';

export const RESTORE_USAGE = `Usage: npm run restore -- --file <path> [--replace]

Restores a file written by npm run backup into the database at DATABASE_URL (created when missing), in one
transaction. The file is read through first: one that is empty, not a backup, of another database or cut short
is refused before any database is made, and a restore that fails later drops the database it created. A database that already holds tables is refused unless --replace is given: then the file is
restored into a new database first, and only when that succeeded is the old one renamed <db>_replaced_<hex> (its
sessions ended) and the new one renamed in its place, in one transaction, and the old one dropped after; a file
that fails leaves the old database as it was, and a restore stopped at any point leaves the old database or the new
one under its name (a <db>_replaced_<hex> left behind is named, with how to finish or undo, by the next restore). Then, as the api would at start, brings the schema up to date, and
rebuilds the read models fed by queue jobs (their jobs were in Redis, which a backup does not hold). Progress on
stderr; what was restored on stdout. Exit 0 restored, 1 failed, 2 bad arguments or refused.`;

/** `npm run restore`: 0 restored, 1 failed, 2 bad arguments or refused. */
export async function restore(
  env: Record<string, string | undefined>,
  args: readonly string[],
  out: { write(text: string): unknown },
  err: { write(text: string): unknown },
): Promise<number> {
  let file: string | undefined;
  let replace = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--file' && i + 1 < args.length) file = args[++i];
    else if (args[i].startsWith('--file=')) file = args[i].slice('--file='.length);
    else if (args[i] === '--replace') replace = true;
    else if (args[i] === '--file') {
      // Last, with nothing after it: once said to be an unknown argument, which it is not.
      err.write(`restore: --file needs a path after it\n${RESTORE_USAGE}\n`);
      return 2;
    } else {
      err.write(`restore: unknown argument ${args[i]}\n${RESTORE_USAGE}\n`);
      return 2;
    }
  }
  if (!file) {
    err.write(`restore: --file is required\n${RESTORE_USAGE}\n`);
    return 2;
  }
  const config = loadConfig(env);
  const databaseUrl = config.databaseUrl;
  try {
    await restoreDatabase(
      file,
      databaseUrl,
      {
        replace,
        unmarkedSettleMs: testSettleMs(env, config.nodeEnv),
        pauseAt: testPauseAt(env, config.nodeEnv, err),
      },
      err,
    );
  } catch (error) {
    if (error instanceof RestoreRefused) {
      err.write(`restore: refused: ${error.message}\n`);
      return 2;
    }
    err.write(`restore: failed: ${(error as Error).message}\n`);
    return 1;
  }
  const dataSource = await openDatabase(databaseUrl, SCHEMA);
  try {
    await moveServerPastRestoredTransactions(dataSource, err);
    const rebuilt = await rederiveJobFedReadModels(dataSource, err);
    // Finished: the api and the worker start on it (they refuse a database a restore put in place and left).
    await markRestoreFinished(dataSource);
    for (const line of await restoredSummary(dataSource)) out.write(`${line}\n`);
    out.write(`Rebuilt from the events: ${rebuilt}.\n`);
    const derived = derivedSecrets(env, config.nodeEnv);
    if (derived.length > 0)
      out.write(
        `${derived.join(' and ')} ${derived.length > 1 ? 'are' : 'is'} not set: outside production ` +
          `${derived.length > 1 ? 'they are' : 'it is'} derived from DATABASE_URL, which here names the ` +
          `restored database. Unless it is written exactly as the backed-up deployment's was, start the api ` +
          `and worker on it with that deployment's ${derived.join(' and ')} set, or no submission link issued ` +
          `before is mailed or opens (see the README's Backups).\n`,
      );
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

/**
 * RESTORE_UNMARKED_SETTLE_MS, taken only with NODE_ENV=test: how far apart the two looks at an unmarked leftover
 * are (2 s otherwise, always in a deployment), so test/restore-leftovers.e2e does not wait out the full interval
 * on each restore that drops one. Not a setting an operator has: it is not in the README's table.
 */
export function testSettleMs(env: Record<string, string | undefined>, nodeEnv: string): number | undefined {
  const ms = Number(env.RESTORE_UNMARKED_SETTLE_MS);
  return nodeEnv === 'test' && env.RESTORE_UNMARKED_SETTLE_MS && Number.isInteger(ms) && ms >= 0
    ? ms
    : undefined;
}

/**
 * RESTORE_PAUSE_AT=swapping|swapped, taken only with NODE_ENV=test: the restore stops at that step of a --replace
 * swap (saying so on stderr) and waits to be killed, so test/restore-killed-swap.e2e can kill -9 the real process
 * there. Undefined in a deployment, where nothing waits; not a setting an operator has (not in the README's table).
 */
export function testPauseAt(
  env: Record<string, string | undefined>,
  nodeEnv: string,
  err: { write(text: string): unknown },
): PauseAt | undefined {
  const at = env.RESTORE_PAUSE_AT;
  if (nodeEnv !== 'test' || !at) return undefined;
  return (step) => {
    if (step !== at) return Promise.resolve();
    err.write(`restore: paused at ${step} (RESTORE_PAUSE_AT)\n`);
    // A timer keeps the process alive while it waits for its kill.
    return new Promise<void>(() => setInterval(() => undefined, 60_000));
  };
}

/**
 * Read models kept by queue jobs (the report tables) may lack what jobs still waiting in Redis would have written
 * when the backup was taken; the Redis of that time is not restored, so they are rebuilt from the events. Models
 * kept by a checkpointed processor are not touched: their processor resumes from the checkpoint restored with
 * them, in the same snapshot.
 */
export async function rederiveJobFedReadModels(
  dataSource: DataSource,
  err: { write(text: string): unknown },
): Promise<string> {
  const store = new EventStore(dataSource);
  const models = readModels(store).filter((m) => !m.processor);
  if (models.length === 0)
    return 'none (every read model is kept by a processor that resumes from its checkpoint)';
  err.write(`restore: rebuilding ${models.map((m) => m.name).join(', ')} from the events\n`);
  const result = await rebuildReadModels(dataSource, store, models, { progress: err });
  return `${models.map((m) => m.name).join(', ')} (${result.events.toLocaleString('en-GB')} events)`;
}

/**
 * Processors read behind the oldest running transaction id of the server. Restored into the server it came from,
 * every restored id is in the past. Restored into another server whose ids are behind, the restored events would
 * stay unread and new ones would sort before the restored checkpoints: so the server's counter is moved past
 * them (each id used by a transaction of its own). The ids are not renumbered: the log's digests name them as
 * fences, and a renumbered log would no longer verify against a digest printed before.
 */
export async function moveServerPastRestoredTransactions(
  dataSource: DataSource,
  err: { write(text: string): unknown },
): Promise<number> {
  const [{ gap }]: { gap: string }[] = await dataSource.query(
    `SELECT greatest(0, coalesce(max(transaction_id)::text::numeric, 0) + 1
                        - pg_snapshot_xmax(pg_current_snapshot())::text::numeric)::text AS gap
     FROM events`,
  );
  const ids = Number(gap);
  if (ids === 0) return 0;
  err.write(
    `restore: the server's transaction ids are ${ids.toLocaleString('en-GB')} behind the restored events; moving them on\n`,
  );
  for (let left = ids; left > 0; left -= 10_000) {
    // A DO block may COMMIT at top level: each loop turn is a transaction, and takes an id.
    await dataSource.query(
      `DO $$ BEGIN FOR i IN 1..${Math.min(left, 10_000)} LOOP PERFORM pg_current_xact_id(); COMMIT; END LOOP; END $$`,
    );
    err.write(
      `restore: ${(ids - Math.max(0, left - 10_000)).toLocaleString('en-GB')} of ${ids.toLocaleString('en-GB')} ids\n`,
    );
  }
  return ids;
}

/**
 * The secrets left to their development default, derived from DATABASE_URL (libs/config): a deployment restored
 * into a database of another name gets other ones, and its restored links no longer match its pepper.
 */
export function derivedSecrets(
  env: Record<string, string | undefined>,
  nodeEnv: string,
): ('TOKEN_PEPPER' | 'SESSION_SECRET')[] {
  if (nodeEnv === 'production') return [];
  return (['TOKEN_PEPPER', 'SESSION_SECRET'] as const).filter((name) => !env[name]);
}

/**
 * The mail a database still owes: the unsettled rows of owed_mails (recorded by the outbox relay beside its
 * checkpoint), and the mail owed by events the relay has yet to read, which it records when it reads them (the
 * same reactions, so the same job ids). Restore printed only the first, "0" while a cycle's seven link mails
 * waited behind the relay's checkpoint.
 */
export async function mailOwed(dataSource: DataSource): Promise<{ recorded: number; unrelayed: number }> {
  const [{ recorded }]: { recorded: number }[] = await dataSource.query(
    `SELECT count(*)::int AS recorded FROM owed_mails WHERE settled_at IS NULL`,
  );
  const [relay]: { tx: string; position: string }[] = await dataSource.query(
    `SELECT transaction_id::text AS tx, global_position::text AS position FROM processor_checkpoints
     WHERE name = 'outbox-relay'`,
  );
  let from: Checkpoint = relay ? { transactionId: relay.tx, globalPosition: Number(relay.position) } : START;
  const store = new EventStore(dataSource);
  const owed = new Set<string>();
  for (;;) {
    // An event that cannot be read is passed over here, as the relay would hold it back.
    const { events, checkpoint } = await store.readAll(from, 1_000, dataSource, []);
    for (const job of events.flatMap((event) => mailOwedBy(REACTIONS, event))) owed.add(job.jobId);
    if (checkpoint.globalPosition === from.globalPosition && checkpoint.transactionId === from.transactionId)
      break;
    from = checkpoint;
  }
  const [{ known }]: { known: number }[] = await dataSource.query(
    `SELECT count(*)::int AS known FROM owed_mails WHERE job_id = ANY($1::text[])`,
    [[...owed]],
  );
  return { recorded, unrelayed: owed.size - known };
}

/** What an operator checks first after a restore: the log, where each processor resumes, mail owed, publications. */
async function restoredSummary(dataSource: DataSource): Promise<string[]> {
  const [{ events, last }]: { events: number; last: string | null }[] = await dataSource.query(
    `SELECT count(*)::int AS events, max(global_position)::text AS last FROM events`,
  );
  const checkpoints: { name: string; position: string }[] = await dataSource.query(
    `SELECT name, global_position::text AS position FROM processor_checkpoints ORDER BY name`,
  );
  const { recorded, unrelayed } = await mailOwed(dataSource);
  const [{ publications }]: { publications: number }[] = await dataSource.query(
    `SELECT count(*)::int AS publications FROM published_reports`,
  );
  const roles: { role_name: string }[] = await dataSource.query(`SELECT role_name FROM bi_access ORDER BY 1`);
  return [
    `Restored ${events.toLocaleString('en-GB')} events (last position ${last ?? 0}), ${publications} publications.`,
    `Processors resume from: ${checkpoints.map((c) => `${c.name} ${c.position}`).join(', ') || 'none yet'}.`,
    `Mail owed and not yet sent: ${recorded + unrelayed} (${recorded} recorded in owed_mails, ${unrelayed} ` +
      `owed by events the outbox relay has yet to read): the worker sends it once it starts; none already sent ` +
      `goes again.`,
    ...(roles.length > 0
      ? [
          `BI roles are the server's, not restored with the database: run npm run bi:role -- --partnership <id> ` +
            `again for ${roles.map((r) => r.role_name).join(', ')}.`,
        ]
      : []),
  ];
}

if (require.main === module) {
  restore(process.env, process.argv.slice(2), process.stdout, process.stderr).then(
    (code) => process.exit(code),
    (error: unknown) => {
      for (const line of startupFailureLines(error)) console.error(line);
      process.exit(1);
    },
  );
}
