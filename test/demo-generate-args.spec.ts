import {
  DEFAULT_DEMO_DATABASE,
  demoStateFor,
  OPEN_CYCLE_STATES,
  parseDemoArgs,
} from '../scripts/demo-generate-args.js';

describe('demo:generate arguments', () => {
  it('reads --partnerships and --cycles, in both spellings', () => {
    expect(parseDemoArgs(['--partnerships', '5', '--cycles=3'], {})).toEqual({
      partnerships: 5,
      cycles: 3,
      databaseUrl: DEFAULT_DEMO_DATABASE,
    });
  });

  it('takes --database, else DATABASE_URL, else the demo database', () => {
    expect(
      parseDemoArgs(['--database', 'postgres://x/y'], { DATABASE_URL: 'postgres://a/b' }).databaseUrl,
    ).toBe('postgres://x/y');
    expect(parseDemoArgs([], { DATABASE_URL: 'postgres://a/b' }).databaseUrl).toBe('postgres://a/b');
    expect(parseDemoArgs([], {})).toEqual({ partnerships: 3, cycles: 2, databaseUrl: DEFAULT_DEMO_DATABASE });
  });

  it.each([
    [['--partnerships', '0'], '--partnerships must be a whole number'],
    [['--cycles', '2.5'], '--cycles must be a whole number'],
    [['--cycles'], '--cycles needs a value'],
    [['--colour', 'red'], 'Unknown option --colour'],
    [['five'], 'Unexpected argument "five"'],
  ])('refuses %j', (argv, message) => {
    expect(() => parseDemoArgs(argv, {})).toThrow(message);
  });

  it('leaves the open cycle with every state among any ten returns (Sevenoaks has 27)', () => {
    const states = new Set(Array.from({ length: 27 }, (_, i) => demoStateFor(i)));
    expect([...states].sort()).toEqual([...OPEN_CYCLE_STATES].sort());
  });
});
