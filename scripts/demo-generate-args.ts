/** The pure parts of npm run demo:generate: its arguments and the state each open-cycle return is left in. */
export const DEFAULT_DEMO_DATABASE = 'postgres://postgres@127.0.0.1:5432/partner_returns_demo';

/** Where a return of the open cycle is left, in turn, so that every state is there in every partnership. */
export const OPEN_CYCLE_STATES = [
  'requested',
  'draft',
  'submitted',
  'sent back',
  'resubmitted',
  'approved',
  'reopened',
  'withdrawn',
  'extended',
  'reassigned',
] as const;
export type DemoState = (typeof OPEN_CYCLE_STATES)[number];

export interface DemoOptions {
  partnerships: number;
  cycles: number;
  databaseUrl: string;
}

/** Parses `--partnerships N --cycles C [--database URL]` (also `--x=N`). */
export function parseDemoArgs(argv: readonly string[], env: Record<string, string | undefined>): DemoOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) throw new Error(`Unexpected argument "${arg}"`);
    const [name, inline] = arg.slice(2).split('=', 2);
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    values.set(name, value);
  }
  for (const name of values.keys()) {
    if (!['partnerships', 'cycles', 'database'].includes(name)) throw new Error(`Unknown option --${name}`);
  }
  const count = (name: string, fallback: number, max: number) => {
    const raw = values.get(name);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1 || n > max)
      throw new Error(`--${name} must be a whole number from 1 to ${max}`);
    return n;
  };
  return {
    partnerships: count('partnerships', 3, 10_000),
    cycles: count('cycles', 2, 50),
    databaseUrl: values.get('database') ?? env.DATABASE_URL ?? DEFAULT_DEMO_DATABASE,
  };
}

/** The state a return of the open cycle is left in: by position, so each state comes round every 10 returns. */
export function demoStateFor(index: number): DemoState {
  return OPEN_CYCLE_STATES[index % OPEN_CYCLE_STATES.length];
}
