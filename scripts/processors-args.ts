/** The pure part of `npm run processors`: what was asked, or the one line saying what is wrong with it. */
export type ProcessorsCommand =
  | { command: 'status' }
  | {
      command: 'retry' | 'skip';
      processor: string;
      position: number;
      by: string;
      reason: string | null;
      waitSeconds: number;
    };

export const PROCESSORS_USAGE = `Usage: npm run processors -- status
       npm run processors -- retry <processor> <position> [--by <name>] [--wait <seconds>]
       npm run processors -- skip <processor> <position> --reason "<why>" [--by <name>] [--wait <seconds>]`;

const OPTIONS = ['by', 'reason', 'wait'];

/** Parses the arguments; throws an Error whose message is one line naming the problem. */
export function parseProcessorsArgs(argv: readonly string[], user: string): ProcessorsCommand {
  const words: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      words.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2);
    if (!OPTIONS.includes(name)) throw new Error(`Unknown option --${name}`);
    const value = inline ?? argv[++i];
    if (value === undefined || value.startsWith('--')) throw new Error(`--${name} needs a value`);
    options.set(name, value);
  }
  const [command, processor, position, ...rest] = words;
  if (command === undefined) throw new Error('Say what to do: status, retry or skip');
  if (command === 'status') {
    if (words.length > 1 || options.size > 0) throw new Error('status takes no arguments');
    return { command };
  }
  if (command !== 'retry' && command !== 'skip') {
    throw new Error(`Unknown command "${command}": use status, retry or skip`);
  }
  if (!processor || !position) throw new Error(`${command} needs a processor and a position`);
  if (rest.length > 0) throw new Error(`Unexpected argument "${rest[0]}"`);
  if (!/^[1-9]\d{0,17}$/.test(position))
    throw new Error(`The position must be a whole number, got "${position}"`);
  const reason = options.get('reason')?.trim() || null;
  if (command === 'skip' && !reason) throw new Error('skip needs --reason "<why>": it is kept with the skip');
  const wait = options.get('wait') ?? '15';
  if (!/^\d{1,4}$/.test(wait)) throw new Error(`--wait must be a whole number of seconds, got "${wait}"`);
  const by = options.get('by')?.trim() || `cli:${user}`;
  return { command, processor, position: Number(position), by, reason, waitSeconds: Number(wait) };
}
