import { parseProcessorsArgs } from '../scripts/processors-args.js';

describe('npm run processors arguments', () => {
  it('reads status, retry and skip', () => {
    expect(parseProcessorsArgs(['status'], 'alice')).toEqual({ command: 'status' });
    expect(parseProcessorsArgs(['retry', 'return-status', '17'], 'alice')).toEqual({
      command: 'retry',
      processor: 'return-status',
      position: 17,
      by: 'cli:alice',
      reason: null,
      waitSeconds: 15,
    });
    expect(
      parseProcessorsArgs(
        ['skip', 'outbox-relay', '9', '--reason', 'bad data, see ticket 12', '--by=bob', '--wait', '0'],
        'alice',
      ),
    ).toEqual({
      command: 'skip',
      processor: 'outbox-relay',
      position: 9,
      by: 'bob',
      reason: 'bad data, see ticket 12',
      waitSeconds: 0,
    });
  });

  it.each([
    [[], 'Say what to do: status, retry or skip'],
    [['stats'], 'Unknown command "stats": use status, retry or skip'],
    [['status', 'now'], 'status takes no arguments'],
    [['retry', 'return-status'], 'retry needs a processor and a position'],
    [['retry', 'return-status', 'x17'], 'The position must be a whole number, got "x17"'],
    [['retry', 'return-status', '-1'], 'The position must be a whole number, got "-1"'],
    [['retry', 'return-status', '0'], 'The position must be a whole number, got "0"'],
    [['retry', 'return-status', '1', '2'], 'Unexpected argument "2"'],
    [['skip', 'return-status', '17'], 'skip needs --reason "<why>"'],
    [['skip', 'return-status', '17', '--reason', '  '], 'skip needs --reason "<why>"'],
    [['skip', 'return-status', '17', '--reason'], '--reason needs a value'],
    [['retry', 'return-status', '17', '--force'], 'Unknown option --force'],
    [['retry', 'return-status', '17', '--wait', 'soon'], '--wait must be a whole number of seconds'],
  ])('answers %j in one line', (argv, message) => {
    let error: Error | null = null;
    try {
      parseProcessorsArgs(argv, 'alice');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toContain(message);
    expect(error?.message).not.toContain('\n');
  });
});
