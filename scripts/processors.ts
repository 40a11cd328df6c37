import { loadConfig, startupFailureLines } from '../libs/config/src/index.js';
import { didNotAnswer, openDatabase } from '../libs/database/src/index.js';
import { Intervention, ParkedEvent, ParkedEvents } from '../libs/event-store/src/index.js';
import { parseProcessorsArgs, ProcessorsCommand } from './processors-args.js';
import { SCHEMA } from '../apps/composition/src/index.js';

interface Output {
  write(text: string): unknown;
}

/** Exit codes, also in the README (Scripts). */
export const EXIT = { ok: 0, failed: 1, usage: 2, pending: 3 } as const;

const ONE_LINE_USAGE =
  'usage: npm run processors -- status | retry <processor> <position> | skip <processor> <position> --reason "<why>"';

/**
 * npm run processors -- status|retry|skip: what the worker's event processors hold back, and an operator's way
 * to retry or skip it. status exits 0 when nothing is held, 3 when something is; retry and skip exit 0 once the
 * worker has carried them out, 1 when refused or when the event failed again, 3 when no worker did so in time.
 */
export async function processorsCli(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  out: Output,
  err: Output,
): Promise<number> {
  let command: ProcessorsCommand;
  try {
    command = parseProcessorsArgs(argv, env.USER ?? env.USERNAME ?? 'unknown');
  } catch (error) {
    err.write(`${(error as Error).message} (${ONE_LINE_USAGE})\n`);
    return EXIT.usage;
  }
  const config = loadConfig(env);
  // Listing only reads: it never migrates the database it is pointed at (a retry or skip writes, and does). Its
  // statements are short, and it is what an operator runs while something is wrong: each is given up after
  // DATABASE_QUERY_TIMEOUT_MS, as the api's are, rather than waiting on a stalled PostgreSQL without end.
  const queryTimeoutMs = config.databaseQueryTimeoutMs;
  const dataSource = await openDatabase(
    config.databaseUrl,
    SCHEMA,
    command.command === 'status' ? { migrate: false, queryTimeoutMs } : { create: false, queryTimeoutMs },
  );
  try {
    const parked = new ParkedEvents(dataSource);
    if (command.command === 'status') return await status(parked, out);
    const asked = await parked.request(
      command.processor,
      command.position,
      command.command,
      command.by,
      command.reason,
    );
    if (!asked.ok) {
      err.write(`Not done: ${asked.message}. See npm run processors -- status\n`);
      return EXIT.failed;
    }
    out.write(
      `${command.command === 'retry' ? 'Retry' : 'Skip'} of event ${command.position} asked of ${command.processor} by ${command.by}\n`,
    );
    const done = await until(command.waitSeconds * 1000, () => parked.intervention(asked.intervention.id));
    if (!done) {
      out.write(
        `No worker has carried it out within ${command.waitSeconds} s; the ${command.processor} processor will when a worker runs\n`,
      );
      return EXIT.pending;
    }
    out.write(`Done: ${done.outcome}\n`);
    const still = (await parked.list()).find(
      (p) => p.processor === command.processor && p.globalPosition === command.position,
    );
    if (still) {
      err.write(`Event ${command.position} is still held: ${still.error}\n`);
      return EXIT.failed;
    }
    return EXIT.ok;
  } catch (error) {
    throw (
      didNotAnswer(
        error,
        queryTimeoutMs,
        'run it again once it answers (status then shows whether a retry or skip asked was recorded)',
      ) ?? error
    );
  } finally {
    await dataSource.destroy().catch(() => undefined);
  }
}

async function status(parked: ParkedEvents, out: Output): Promise<number> {
  const [positions, held, history] = await Promise.all([
    parked.positions(),
    parked.list(),
    parked.history(10),
  ]);
  out.write('Processors:\n');
  if (positions.length === 0) out.write('  none has run yet\n');
  for (const p of positions) {
    const streams = held.filter((h) => h.processor === p.processor).length;
    out.write(
      `  ${p.processor.padEnd(16)} at event ${p.globalPosition}, ${p.behind} behind${streams ? `, ${streams} stream${streams === 1 ? '' : 's'} held` : ''}\n`,
    );
  }
  out.write(held.length === 0 ? 'No events are held.\n' : 'Held events:\n');
  for (const h of held) out.write(describeHeld(h));
  if (history.length > 0) out.write('Recent retries and skips:\n');
  for (const i of history) out.write(describeIntervention(i));
  return held.length === 0 ? EXIT.ok : EXIT.pending;
}

function describeHeld(h: ParkedEvent): string {
  const state =
    h.state === 'parked'
      ? `parked at ${iso(h.parkedAt)} after ${h.attempts} tries`
      : `failed ${h.attempts} times, next try at ${iso(h.nextAttemptAt)}`;
  const lines = [
    `  ${h.processor} event ${h.globalPosition}: ${h.type} in ${h.streamId} (version ${h.version}), ${state}; ${h.held} event${h.held === 1 ? '' : 's'} of the stream held`,
    `    error: ${h.error}`,
    h.requested
      ? `    ${h.requested.action} asked by ${h.requested.by} at ${iso(h.requested.at)}, not yet carried out`
      : `    npm run processors -- retry ${h.processor} ${h.globalPosition}   |   npm run processors -- skip ${h.processor} ${h.globalPosition} --reason "<why>"`,
  ];
  return `${lines.join('\n')}\n`;
}

function describeIntervention(i: Intervention): string {
  const why = i.reason ? ` ("${i.reason}")` : '';
  const outcome = i.doneAt ? `${iso(i.doneAt)}: ${i.outcome}` : 'not yet carried out';
  return `  ${iso(i.requestedAt)} ${i.action} of ${i.processor} event ${i.globalPosition} (${i.type} in ${i.streamId}) by ${i.actor}${why} -> ${outcome}\n`;
}

function iso(date: Date | null): string {
  return date ? date.toISOString().replace(/\.\d{3}Z$/, 'Z') : '-';
}

async function until(
  timeoutMs: number,
  probe: () => Promise<Intervention | null>,
): Promise<Intervention | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found?.doneAt) return found;
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, 200));
  }
}

if (require.main === module) {
  processorsCli(process.argv.slice(2), process.env, process.stdout, process.stderr).then(
    (code) => process.exit(code),
    (error: unknown) => {
      // One line per problem, no stack: a bad variable or an unreachable DATABASE_URL, named.
      for (const line of startupFailureLines(error)) console.error(line);
      process.exit(EXIT.failed);
    },
  );
}
