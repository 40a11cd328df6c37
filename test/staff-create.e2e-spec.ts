import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { SystemClock } from '../libs/kernel/src/index.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { createStaffAccount, StaffCreateRefused } from '../scripts/staff-create-command.js';
import { importSevenoaks } from './support/product.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';

/** npm run staff:create against a database holding the Sevenoaks plan. */
describe('staff:create (e2e)', () => {
  let db: TestDatabase;
  const password = 'correct horse battery staple';
  const accounts = async () =>
    (await db.dataSource.query(
      `SELECT email, partnership_id FROM staff_accounts ORDER BY email`,
    )) as unknown[];

  beforeAll(async () => {
    db = await createTestDatabase('staff_create');
    await importSevenoaks(new EventStore(db.dataSource));
  });
  afterAll(() => db.drop());

  it('refuses a partnership nobody registered, creating nothing', async () => {
    const args = {
      partnershipId: 'sevenoaks',
      email: 'cora@example.org',
      name: 'Cora',
      role: 'coordinator' as const,
    };
    await expect(createStaffAccount(db.dataSource, new SystemClock(), args, password)).rejects.toThrow(
      new StaffCreateRefused(
        'partnership "sevenoaks" does not exist: import its plan first (npm run plan:import -- <plan.yaml>)',
      ),
    );
    expect(await accounts()).toEqual([]);
  });

  it('creates the account in a partnership that exists', async () => {
    const args = {
      partnershipId: 'sevenoaks-lsp',
      email: 'Cora@Example.org',
      name: 'Cora',
      role: 'coordinator' as const,
    };
    await createStaffAccount(db.dataSource, new SystemClock(), args, password);
    expect(await accounts()).toEqual([{ email: 'cora@example.org', partnership_id: 'sevenoaks-lsp' }]);
  });

  /** The real script in a process of its own (its arguments are checked in staff-create-command.spec.ts). */
  const staffCreate = (args: string[], env: Record<string, string> = { STAFF_PASSWORD: password }) =>
    spawnSync(
      process.execPath,
      ['-r', join(__dirname, 'support/register-ts.js'), 'scripts/staff-create.ts', ...args],
      {
        cwd: join(__dirname, '..'),
        encoding: 'utf8',
        timeout: 60_000,
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: db.url, ...env },
      },
    );

  it('as a command, says a refusal in one line and exits non-zero', () => {
    const run = staffCreate(['--partnership', 'nowhere', '--email', 'nora@example.org', '--name', 'Nora']);
    expect(run.stderr.trim().split('\n')).toEqual([
      'staff:create: partnership "nowhere" does not exist: import its plan first (npm run plan:import -- <plan.yaml>)',
    ]);
    expect(run.status).toBe(2);
  }, 60_000);

  it('as a command, prints its usage when run bare and creates nothing', () => {
    const run = staffCreate([]);
    expect(run.stderr).toContain('Usage: npm run staff:create');
    expect(run.status).toBe(2);
  }, 60_000);

  it('as a command, creates the account and shows a generated password once', async () => {
    const run = staffCreate(
      [
        '--partnership',
        'sevenoaks-lsp',
        '--email',
        'Rita@Example.org',
        '--name',
        'Rita',
        '--role',
        'reviewer',
      ],
      {},
    );
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines[0]).toBe('Created reviewer rita@example.org in sevenoaks-lsp.');
    expect(lines[1]).toMatch(/^Password \(shown once, change it after signing in\): [A-Za-z0-9_-]{20}$/);
    expect(lines).toHaveLength(2);
    expect(await accounts()).toContainEqual({ email: 'rita@example.org', partnership_id: 'sevenoaks-lsp' });
  }, 60_000);
});
