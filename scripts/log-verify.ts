import { loadConfig, startupFailureLines } from '../libs/config/src/index.js';
import { didNotAnswer, openDatabase } from '../libs/database/src/index.js';
import { GivenDigest, parseDigestArgument, verifyLog } from '../libs/event-store/src/index.js';
import { SCHEMA } from '../apps/composition/src/index.js';

export const LOG_VERIFY_USAGE = `Usage: npm run log:verify -- --digest '<JSON from npm run log:digest>'
       npm run log:verify -- --digest <root, 64 hex digits>

Checks every event's hash against its content and the event before it in its stream, every stream's head, and
the root of all stream heads under the digest's fence against the digest given (kept outside the database).
Exit 0 with the count when all verify; exit 1 naming the first event (global position, stream, version) that
does not, or saying that the root differs. Progress goes to stderr.`;

/** `npm run log:verify`: 0 verified, 1 does not verify, 2 bad arguments. */
export async function logVerify(
  env: Record<string, string | undefined>,
  args: readonly string[],
  out: { write(text: string): unknown },
  err: { write(text: string): unknown },
): Promise<number> {
  let digest: GivenDigest;
  try {
    digest = parseDigestArgument(digestArgument(args));
  } catch (error) {
    err.write(`log:verify: ${(error as Error).message}\n${LOG_VERIFY_USAGE}\n`);
    return 2;
  }
  // Over a million events the run takes minutes, so no bound is put on the whole of it: each statement (a page of
  // events, the stream heads) is given up after DATABASE_QUERY_TIMEOUT_MS instead, which a page never comes near
  // but a PostgreSQL that stopped answering mid-way meets, rather than the check waiting without end.
  const config = loadConfig(env);
  const queryTimeoutMs = config.databaseQueryTimeoutMs;
  const dataSource = await openDatabase(config.databaseUrl, SCHEMA, { migrate: false, queryTimeoutMs });
  try {
    const result = await verifyLog(dataSource, digest, err);
    if (result.ok) {
      out.write(
        `Verified ${result.events.toLocaleString('en-GB')} events: every stream's chain, and the root ` +
          `${digest.root} over ${result.streams} streams up to position ${result.position} (fence ${result.fence}).\n`,
      );
      return 0;
    }
    out.write(
      result.event
        ? `Does not verify: the first event that does not is at global position ${result.event.globalPosition}, ` +
            `stream ${result.event.streamId}, version ${result.event.version}: ${result.event.reason}.\n`
        : `Does not verify: ${result.reason}.\n`,
    );
    return 1;
  } catch (error) {
    throw didNotAnswer(error, queryTimeoutMs) ?? error;
  } finally {
    await dataSource.destroy().catch(() => undefined);
  }
}

/** `--digest value` or `--digest=value`; throws when absent or anything else is given. */
function digestArgument(args: readonly string[]): string {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--digest' && i + 1 < args.length) value = args[++i];
    else if (args[i].startsWith('--digest=')) value = args[i].slice('--digest='.length);
    // Last, with nothing after it (the digest's variable empty in the shell): once said to be an unknown argument.
    else if (args[i] === '--digest') throw new Error('--digest needs the digest after it');
    else throw new Error(`unknown argument ${args[i]}`);
  }
  if (value === undefined) throw new Error('--digest is required');
  return value;
}

if (require.main === module) {
  logVerify(process.env, process.argv.slice(2), process.stdout, process.stderr).then(
    (code) => process.exit(code),
    (error: unknown) => {
      for (const line of startupFailureLines(error)) console.error(line);
      process.exit(1);
    },
  );
}
