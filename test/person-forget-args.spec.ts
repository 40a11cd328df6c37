import { parsePersonForgetArgs, PersonForgetRefused } from '../scripts/person-forget-command.js';

describe('npm run person:forget arguments', () => {
  it('takes an address and a reason, and records who ran it', () => {
    expect(
      parsePersonForgetArgs(['--email', ' jo@x.example.org ', '--reason', 'Asked under article 17'], 'ops'),
    ).toEqual({ email: 'jo@x.example.org', reason: 'Asked under article 17', by: 'cli:ops' });
  });

  it.each([
    [['--reason', 'why'], '--email is required'],
    [['--email', 'jo@x.example.org'], '--reason is required'],
    [['--email', 'jo@x.example.org', '--reason', '  '], '--reason is required'],
    [['--email', 'not an address', '--reason', 'why'], '--email is required'],
    [['--emial', 'jo@x.example.org'], 'Unknown option'],
  ])('refuses %j in one line, exit code 2', (argv, message) => {
    let refused: unknown;
    try {
      parsePersonForgetArgs(argv);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(PersonForgetRefused);
    expect((refused as PersonForgetRefused).message).toContain(message);
    expect((refused as PersonForgetRefused).exitCode).toBe(2);
  });
});
