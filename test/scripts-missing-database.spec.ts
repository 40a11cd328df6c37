import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { startupFailureLines } from '../libs/config/src/index.js';
import { withDatabaseName } from '../libs/database/src/index.js';
import { logDigest } from '../scripts/log-digest.js';
import { logVerify } from '../scripts/log-verify.js';
import { processorsCli } from '../scripts/processors.js';
import { projectionsRebuild } from '../scripts/projections-rebuild.js';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const ROOT = join(__dirname, '..');

/**
 * The scripts that look at or work on a deployment, pointed at a database that is not there (an operator's probe:
 * a misspelt DATABASE_URL). They used to create it, migrate it and answer as if it were the deployment:
 * `log:verify` said the log "does not verify" (a false alarm of tampering), `processors status` that nothing was
 * held, and each left an empty database behind. Each now says in one line that there is no such database, exits
 * non-zero, and makes nothing.
 */
describe('operator scripts given a database that does not exist', () => {
  const missing = `pr_missing_${randomBytes(4).toString('hex')}`;
  const env = { DATABASE_URL: withDatabaseName(ADMIN_URL, missing) };
  const sink = { write: () => true };

  const exists = async () => {
    const client = new Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [missing])).rowCount === 1;
    } finally {
      await client.end();
    }
  };
  afterAll(async () => {
    // Only if a run under test made it after all: never left for the next run to find.
    const client = new Client({ connectionString: ADMIN_URL });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${missing} WITH (FORCE)`);
    await client.end();
  });

  const refusal = (error: unknown) => {
    const lines = startupFailureLines(error);
    expect(lines).toEqual([
      `DATABASE_URL: there is no database "${missing}" at 127.0.0.1:5432: nothing was created (is the name right?)`,
    ]);
  };

  it.each([
    ['log:verify', () => logVerify(env, ['--digest', '0'.repeat(64)], sink, sink)],
    ['log:digest', () => logDigest(env, [], sink, sink)],
    ['processors status', () => processorsCli(['status'], env, sink, sink)],
    ['projections:rebuild', () => projectionsRebuild(env, sink, sink)],
  ])('%s: one line naming DATABASE_URL, and no database made', async (_name, run) => {
    refusal(
      await run().then(
        () => null,
        (error: unknown) => error,
      ),
    );
    expect(await exists()).toBe(false);
  });

  it('staff:create (as person:forget and bi:role run): one line, exit 1, and no database made', () => {
    const run = spawnSync(
      process.execPath,
      [
        '-r',
        join(__dirname, 'support/register-ts.js'),
        join(ROOT, 'scripts/staff-create.ts'),
        ...['--partnership', 'sevenoaks-lsp', '--email', 'new.person@example.org', '--name', 'New Person'],
      ],
      { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, timeout: 60_000 },
    );
    expect(run.status).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `staff:create: DATABASE_URL: there is no database "${missing}" at 127.0.0.1:5432: nothing was created (is the name right?)`,
    ]);
    return exists().then((made) => expect(made).toBe(false));
  }, 60_000);
});
