import { parseStaffCreateArgs, StaffCreateRefused } from '../scripts/staff-create-command.js';

describe('staff:create arguments', () => {
  const valid = ['--partnership', 'sevenoaks-lsp', '--email', 'Cora@Sevenoaks.example.org', '--name', 'Cora'];

  it('reads the partnership, email, name and role (coordinator unless told)', () => {
    expect(parseStaffCreateArgs(valid)).toEqual({
      partnershipId: 'sevenoaks-lsp',
      email: 'Cora@Sevenoaks.example.org',
      name: 'Cora',
      role: 'coordinator',
    });
    expect(parseStaffCreateArgs([...valid, '--role', 'reviewer']).role).toBe('reviewer');
  });

  it.each([
    [['--email', 'not-an-email'], '--email "not-an-email" is not an email address'],
    [['--email', 'a@b'], '--email "a@b" is not an email address'],
    [['--email', 'two@example.org three@example.org'], 'is not an email address'],
    [['--email', ' '], '--email is required'],
    [['--partnership', ''], '--partnership is required'],
    [['--role', 'admin'], '--role "admin" is not one of coordinator, reviewer, board, viewer'],
    [['--colour', 'red'], "Unknown option '--colour'"],
  ])('refuses %j in one line', (change, message) => {
    const argv = [...valid];
    const at = argv.indexOf(change[0]);
    if (at >= 0) argv[at + 1] = change[1];
    else argv.push(...change);
    let refusal: unknown;
    try {
      parseStaffCreateArgs(argv);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(StaffCreateRefused);
    expect((refusal as Error).message).toContain(message);
    expect((refusal as Error).message).not.toContain('\n');
    expect((refusal as StaffCreateRefused).exitCode).toBe(2);
  });
});
