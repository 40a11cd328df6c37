import { DataSource } from 'typeorm';
import { loadConfig, startupFailureLines } from '../libs/config/src/index.js';
import { didNotAnswer, openDatabase } from '../libs/database/src/index.js';
import { EventStore, LOG_CHECKPOINTS_STREAM, LogCheckpoints } from '../libs/event-store/src/index.js';
import { SCHEMA } from '../apps/composition/src/index.js';

export const LOG_DIGEST_USAGE = `Usage: npm run log:digest [-- --checkpoint]

Prints the latest checkpoint's digest of the event log as one line of JSON (root, fence, position, streams,
at), to keep outside the database and give to \`npm run log:verify -- --digest '<that JSON>'\` later.
--checkpoint takes a checkpoint first (the worker takes one every LOG_CHECKPOINT_EVERY_MS).`;

/**
 * A checkpoint of everything committed now. The fence can stand below events already committed for a moment: a
 * transaction the server is running whose database it cannot yet tell counts as this one's (see event_fence), and
 * on a loaded server one may start and end between the two looks. Tried again for up to 5 s while events past the
 * latest checkpoint are still left out (a loaded CI run found nothing under the fence and exited 1).
 */
async function takeCheckpoint(dataSource: DataSource, checkpoints: LogCheckpoints): Promise<void> {
  for (let attempt = 0; attempt < 25; attempt++) {
    if (await checkpoints.take(undefined, { coveringAll: true })) return;
    const latest = await checkpoints.latest();
    const [{ left }] = await dataSource.query<{ left: boolean }[]>(
      'SELECT EXISTS (SELECT FROM events WHERE global_position > $1 AND stream_id <> $2) AS left',
      [latest?.position ?? 0, LOG_CHECKPOINTS_STREAM],
    );
    if (!left) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** `npm run log:digest`: the digest on stdout; 1 when there is no checkpoint yet, 2 for a bad argument. */
export async function logDigest(
  env: Record<string, string | undefined>,
  args: readonly string[],
  out: { write(text: string): unknown },
  err: { write(text: string): unknown },
): Promise<number> {
  const unknown = args.filter((a) => a !== '--checkpoint');
  if (unknown.length > 0) {
    err.write(`log:digest: unknown argument ${unknown[0]}\n${LOG_DIGEST_USAGE}\n`);
    return 2;
  }
  // Short statements, a checkpoint's included: each is given up after DATABASE_QUERY_TIMEOUT_MS rather than
  // waiting without end on a PostgreSQL that stopped answering mid-way.
  const config = loadConfig(env);
  const queryTimeoutMs = config.databaseQueryTimeoutMs;
  const dataSource = await openDatabase(config.databaseUrl, SCHEMA, { migrate: false, queryTimeoutMs });
  try {
    const checkpoints = new LogCheckpoints(dataSource, new EventStore(dataSource));
    if (args.includes('--checkpoint')) await takeCheckpoint(dataSource, checkpoints);
    const digest = await checkpoints.latest();
    if (!digest) {
      err.write('log:digest: no checkpoint yet: run it with --checkpoint, or let the worker take one\n');
      return 1;
    }
    out.write(`${JSON.stringify(digest)}\n`);
    return 0;
  } catch (error) {
    throw didNotAnswer(error, queryTimeoutMs) ?? error;
  } finally {
    await dataSource.destroy().catch(() => undefined);
  }
}

if (require.main === module) {
  logDigest(process.env, process.argv.slice(2), process.stdout, process.stderr).then(
    (code) => process.exit(code),
    (error: unknown) => {
      for (const line of startupFailureLines(error)) console.error(line);
      process.exit(1);
    },
  );
}
