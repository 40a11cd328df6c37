import { Client } from 'pg';
import { ChildProcess, spawn } from 'node:child_process';
import { createServer, Server, Socket } from 'node:net';
import { join } from 'node:path';
import { DependencyError, startupFailureLines } from '../libs/config/src/index.js';
import { projectionsRebuild } from '../scripts/projections-rebuild.js';
import { ensureDatabase } from '../libs/database/src/index.js';
import { DisposableRedis, freePort } from './support/disposable-redis.js';
import { eventually } from './support/product.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';

const ROOT = join(__dirname, '..');
const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$|^\s+at .+:\d+:\d+$/m;

/** The api or the worker from its real entry point in a process of its own, its output kept line by line. */
class App {
  readonly out: string[] = [];
  readonly err: string[] = [];
  private readonly child: ChildProcess;
  readonly exited: Promise<number | null>;

  constructor(app: 'api' | 'worker', env: Record<string, string>) {
    this.child = spawn(
      process.execPath,
      ['-r', join(__dirname, 'support/register-ts.js'), join(ROOT, `apps/${app}/src/main.ts`)],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
      },
    );
    const lines = (into: string[]) => {
      let rest = '';
      return (chunk: Buffer) => {
        const text = rest + chunk.toString('utf8');
        const parts = text.split('\n');
        rest = parts.pop()!;
        into.push(...parts.filter((l) => l.trim() !== ''));
      };
    };
    this.child.stdout!.on('data', lines(this.out));
    this.child.stderr!.on('data', lines(this.err));
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  /** The pino messages logged so far, with when. */
  logs(): { msg: string; time: number; level: number }[] {
    return this.out.flatMap((line) => {
      try {
        return [JSON.parse(line) as { msg: string; time: number; level: number }];
      } catch {
        return [];
      }
    });
  }

  kill(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.exited;
  }
}

/**
 * Issue 10, point 12: operators get one line per problem. A config error or an unreachable DATABASE_URL stops a
 * process with one line each and no stack; a Redis outage is one line naming REDIS_URL (and one when it is back),
 * not a trace per retry. (Readiness naming what is down: see outbox-relay.e2e-spec.)
 */
describe('operators get one line per problem (e2e)', () => {
  let db: TestDatabase;
  const apps: App[] = [];
  const servers: Server[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('operator');
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.kill()));
    for (const s of servers) s.close();
    await db.drop();
  });

  const start = (app: 'api' | 'worker', env: Record<string, string>) => {
    const started = new App(app, env);
    apps.push(started);
    return started;
  };

  /** A server that takes connections and never answers: a PostgreSQL or Redis gone silent. */
  const silentServer = () =>
    new Promise<number>((resolve) => {
      const server = createServer(() => undefined).listen(0, '127.0.0.1', () =>
        resolve((server.address() as { port: number }).port),
      );
      servers.push(server);
    });

  it('a bad configuration: one line per problem naming the variable, no stack, exit 1', async () => {
    const api = start('api', { PORT: 'abc', REBUILD_BATCH_SIZE: '-5', PROCESSOR_ATTEMPTS: 'lots' });
    const worker = start('worker', { REDIS_URL: 'http://x', MAIL_CONCURRENCY: '1e3' });
    expect(await api.exited).toBe(1);
    expect(await worker.exited).toBe(1);
    expect(api.err).toEqual([
      'Invalid configuration: PORT must be a whole number from 0 to 65535, got "abc"',
      'Invalid configuration: PROCESSOR_ATTEMPTS must be a whole number from 1 to 100, got "lots"',
      'Invalid configuration: REBUILD_BATCH_SIZE must be a whole number from 1 to 1000000, got "-5"',
    ]);
    expect(worker.err).toEqual([
      'Invalid configuration: REDIS_URL must be a redis: or rediss: URL, got protocol "http:"',
      'Invalid configuration: MAIL_CONCURRENCY must be a whole number from 1 to 64, got "1e3"',
    ]);
    expect(api.out).toEqual([]);
    expect(worker.out).toEqual([]);
    // The rebuild takes its batch size from the same validated configuration, not a raw PostgreSQL error.
    for (const size of ['-5', 'abc']) {
      const error = await projectionsRebuild(
        { DATABASE_URL: db.url, REBUILD_BATCH_SIZE: size },
        { write: () => undefined },
        { write: () => true },
      ).catch((e: unknown) => e);
      expect(startupFailureLines(error)).toEqual([
        `Invalid configuration: REBUILD_BATCH_SIZE must be a whole number from 1 to 1000000, got "${size}"`,
      ]);
    }
  });

  it('a rebuild that stops part-way says why in one line, and that running it again carries on: exit 1', async () => {
    // Another rebuild holds the lock: one way a rebuild that has started stops. (A connection lost mid-rebuild
    // once surfaced as "Could not start: Query runner already released".)
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query(`SELECT pg_advisory_lock(hashtextextended('projections-rebuild', 0))`);
      const err: string[] = [];
      const code = await projectionsRebuild(
        { DATABASE_URL: db.url },
        { write: () => undefined },
        { write: (t: string) => err.push(t) },
      );
      expect(code).toBe(1);
      expect(err.at(-1)).toMatch(
        /^projections:rebuild: stopped: Another projections:rebuild is running on this database; .* run it again to carry on\n$/,
      );
    } finally {
      await holder.end();
    }
  });

  it('an unreachable DATABASE_URL: one line naming it (not its password), no stack, exit 1', async () => {
    const port = await freePort();
    const worker = start('worker', { DATABASE_URL: `postgres://app:hunter2@127.0.0.1:${port}/returns` });
    const api = start('api', { DATABASE_URL: `postgres://app:hunter2@127.0.0.1:${port}/returns`, PORT: '0' });
    for (const app of [worker, api]) {
      expect(await app.exited).toBe(1);
      expect(app.err).toEqual([
        `DATABASE_URL: PostgreSQL at 127.0.0.1:${port} cannot be reached (connect ECONNREFUSED 127.0.0.1:${port})`,
      ]);
      expect([...app.out, ...app.err].join('\n')).not.toMatch(STACK_LINE);
      expect([...app.out, ...app.err].join('\n')).not.toContain('hunter2');
    }
  });

  it('a DATABASE_URL that takes connections but never answers is named within 10 s', async () => {
    const port = await silentServer();
    const started = Date.now();
    const error = await ensureDatabase(`postgres://app:hunter2@127.0.0.1:${port}/returns`).catch((e) => e);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(DependencyError);
    expect(error.message).toBe(
      `DATABASE_URL: PostgreSQL at 127.0.0.1:${port} cannot be reached (no answer within 5 s)`,
    );
  });

  it('a Redis outage is one line naming REDIS_URL within 10 s, however often it is retried, and one when it is back', async () => {
    // A Redis that drops every connection at once, counting them: the worker's retries, seen from the other side.
    let attempts = 0;
    const port = await freePort();
    const dropping = createServer((socket: Socket) => {
      attempts += 1;
      socket.resetAndDestroy();
    });
    await new Promise<void>((resolve) => dropping.listen(port, '127.0.0.1', () => resolve()));
    servers.push(dropping);

    const worker = start('worker', {
      DATABASE_URL: db.url,
      REDIS_URL: `redis://127.0.0.1:${port}`,
      QUEUE_PREFIX: `test-operator-${port}`,
      LOG_LEVEL: 'info',
    });
    const outage = `REDIS_URL: Redis at 127.0.0.1:${port} cannot be reached`;
    const lines = (text: string) => worker.logs().filter((l) => l.msg.startsWith(text));
    const [first] = await eventually(async () => (lines(outage).length > 0 ? lines(outage) : null), 45_000);
    const startedAt = worker.logs()[0].time; // Nest's first line: the application is starting
    expect(first.time - startedAt).toBeLessThan(10_000);
    // Many retries later, still the one line.
    const seen = attempts;
    await eventually(async () => attempts >= seen + 10, 30_000);
    expect(lines(outage)).toHaveLength(1);

    // Back: a real Redis on that port.
    await new Promise<void>((resolve) => dropping.close(() => resolve()));
    const redis = new DisposableRedis(port);
    await redis.start();
    try {
      await eventually(
        async () => lines(`REDIS_URL: Redis at 127.0.0.1:${port} answers again`).length === 1,
        20_000,
      );
    } finally {
      await redis.stop();
    }
    // Gone again: a second outage, a second line.
    await eventually(async () => lines(outage).length === 2, 20_000);
    expect(worker.err.filter((l) => /Error|ioredis|Unhandled/.test(l))).toEqual([]);
    expect(worker.out.join('\n')).not.toMatch(STACK_LINE);
    await worker.kill();
  });
});
