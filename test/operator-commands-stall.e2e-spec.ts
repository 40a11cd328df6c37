import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { EventStore } from '../libs/event-store/src/index.js';
import { projectionsRebuild } from '../scripts/projections-rebuild.js';
import { importPlan } from '../libs/plan/src/index.js';
import { sevenoaksPlan } from './support/product.js';
import { StallingProxy } from './support/stalling-proxy.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';
import { kill, NODE_COMPILE_CACHE } from './support/worker-process.js';

const ROOT = join(__dirname, '..');
const GIVE_UP_MS = 40_000;

/**
 * An operator's probe: the short commands (staff:create, person:forget, bi:role, log:digest) and the long ones
 * (log:verify, projections:rebuild), run against a PostgreSQL that stops answering mid-way (stopped, the network
 * gone silent), waited without end, deaf to everything but Ctrl-C. Each statement of theirs is now given up after
 * DATABASE_QUERY_TIMEOUT_MS, as `processors` does, and the command ends in one line saying so, exit 1. The long
 * ones bound each statement, not the whole run. Each runs as the real script, in a process of its own.
 */
describe('operator commands against a PostgreSQL that stalls (e2e)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('commands_stall');
  });
  afterAll(async () => {
    await db.drop();
  });

  const COMMANDS: [name: string, script: string, args: string[]][] = [
    [
      'staff:create',
      'staff-create.ts',
      ['--partnership', 'p-none', '--email', 'a@example.org', '--name', 'A'],
    ],
    ['bi:role', 'bi-role.ts', ['--partnership', 'p-none']],
    ['person:forget', 'person-forget.ts', ['--email', 'a@example.org', '--reason', 'asked to be forgotten']],
    ['log:digest', 'log-digest.ts', []],
    ['log:verify', 'log-verify.ts', ['--digest', 'ab'.repeat(32)]],
    ['projections:rebuild', 'projections-rebuild.ts', []],
  ];

  /** Runs the command against its own stalling proxy and says how it ended and what it said of the stall. */
  async function againstStall(script: string, args: string[]) {
    // A database each: commands that migrate on start wait (with no timeout while migrating) on a lock another
    // one holds on a connection its own proxy has stalled.
    const own = await createTestDatabase('commands_stall');
    const proxy = await StallingProxy.start();
    try {
      // The first statement that reads the log: the command's own work, after it has connected and opened.
      proxy.stallBefore((chunk) => chunk.includes('events'));
      const child = spawn(
        process.execPath,
        ['-r', join(__dirname, 'support/register-ts.js'), join(ROOT, 'scripts', script), ...args],
        {
          cwd: ROOT,
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            PATH: process.env.PATH ?? '',
            NODE_ENV: 'test',
            DATABASE_URL: proxy.urlFor(own.url),
            REDIS_URL: process.env.REDIS_URL ?? '',
            DATABASE_QUERY_TIMEOUT_MS: '4000',
            STAFF_PASSWORD: 'correct horse battery staple',
            NODE_COMPILE_CACHE,
          },
        },
      );
      let err = '';
      child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.stdout!.resume();
      const outcome = await Promise.race([
        new Promise<string>((resolve) => child.once('exit', (code) => resolve(`exit ${code}`))),
        new Promise<string>((resolve) => setTimeout(() => resolve('still waiting'), GIVE_UP_MS)),
      ]);
      await kill(child);
      return {
        stalled: proxy.isStalled,
        outcome,
        said: err.split('\n').filter((l) => l.includes('did not answer')),
        err,
      };
    } finally {
      proxy.resume();
      await proxy.close();
      await own.drop();
    }
  }

  // All at once: each spends most of its time waiting out the timeout, and one after another took 40 s of the suite.
  it('each gives up within the query timeout, in one line, exit 1', async () => {
    const ended = await Promise.all(COMMANDS.map(([, script, args]) => againstStall(script, args)));
    for (const [i, [name]] of COMMANDS.entries()) {
      const { stalled, outcome, said, err } = ended[i];
      expect({ name, stalled, outcome, said: said.length, err }).toEqual({
        name,
        stalled: true,
        outcome: 'exit 1',
        said: 1,
        err: expect.stringContaining(
          'DATABASE_URL: PostgreSQL did not answer within DATABASE_QUERY_TIMEOUT_MS (4000 ms)',
        ),
      });
    }
  }, 120_000);

  /** The bound is each statement's, never the run's: a rebuild far longer in all than the timeout finishes. */
  it('projections:rebuild taking longer in all than DATABASE_QUERY_TIMEOUT_MS still finishes', async () => {
    // The example plan under twenty partnerships: enough events that the rebuild runs for seconds.
    for (let n = 1; n <= 20; n++) {
      const plan = sevenoaksPlan();
      plan.partnership.id = `${plan.partnership.id}-${n}`;
      await importPlan(new EventStore(db.dataSource), plan, {
        actorId: 'test',
        actorRole: 'coordinator',
        correlationId: `stall-${n}`,
      });
    }
    const started = Date.now();
    const err: string[] = [];
    const code = await projectionsRebuild(
      // One event a batch: many short statements, each far within the second allowed.
      { DATABASE_URL: db.url, DATABASE_QUERY_TIMEOUT_MS: '1000', REBUILD_BATCH_SIZE: '1' },
      { write: () => true },
      { write: (t: string) => err.push(t) },
    );
    expect({ code, err: err.filter((l) => l.includes('stopped')) }).toEqual({ code: 0, err: [] });
    expect(Date.now() - started).toBeGreaterThan(2_000);
  }, 120_000);
});
