/**
 * Remakes test/fixtures/previous-release from a commit of this repository (the previous release):
 *
 *   npm run fixture:previous-release -- --commit 310eb43
 *
 * It builds that commit in a temporary folder (reusing node_modules when its package-lock.json is the same as
 * the working tree's, `npm ci` otherwise), runs its `npm start` (api, worker and demo in one process, mail kept
 * by its embedded catcher) on a new database of TEST_DATABASE_URL's server and Redis at REDIS_URL, tells it the
 * story in story.ts through its HTTP API, records what it answers, stops it, and dumps the database.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Queue } from 'bullmq';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase } from '../../../libs/database/src/index.js';
import { parsePlanFile } from '../../../libs/plan/src/index.js';
import { deleteQueueKeys, QUEUES } from '../../../libs/queues/src/index.js';
import { ANSWERS_FILE, DUMP_FILE, FIXTURE_DIR, Manifest, MANIFEST_FILE } from './fixture-files.js';
import { ReleaseClient } from './release-client.js';
import { OTHER, PreviousReleaseStory, SEVENOAKS } from './story.js';

const ROOT = join(__dirname, '../../..');
const log = (line: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${line}`);

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { commit: { type: 'string' }, keep: { type: 'boolean' }, out: { type: 'string' } },
  });
  if (!values.commit) {
    throw new Error('Usage: npm run fixture:previous-release -- --commit <commit> [--out <dir>] [--keep]');
  }
  const out = values.out ? resolve(values.out) : FIXTURE_DIR;
  mkdirSync(out, { recursive: true });
  const commit = execFileSync('git', ['rev-parse', '--verify', `${values.commit}^{commit}`], { cwd: ROOT })
    .toString()
    .trim();
  const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

  const tree = mkdtempSync(join(tmpdir(), 'pr-previous-release-'));
  log(`building ${commit.slice(0, 10)} in ${tree}`);
  execFileSync('bash', ['-c', `git archive --format=tar ${commit} | tar -x -C "${tree}"`], { cwd: ROOT });
  const sameLock =
    readFileSync(join(tree, 'package-lock.json'), 'utf8') ===
    readFileSync(join(ROOT, 'package-lock.json'), 'utf8');
  if (sameLock) symlinkSync(join(ROOT, 'node_modules'), join(tree, 'node_modules'), 'dir');
  else run('npm', ['ci', '--no-audit', '--no-fund'], tree);
  run(process.execPath, [join(tree, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], tree);

  const database = new URL(adminUrl);
  database.pathname = `/pr_previous_release_${randomBytes(4).toString('hex')}`;
  const databaseUrl = database.toString();
  await ensureDatabase(databaseUrl);
  const port = await freePort();
  const queuePrefix = `previous-release-${randomBytes(4).toString('hex')}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: queuePrefix,
    TOKEN_PEPPER: randomBytes(24).toString('hex'),
    SESSION_SECRET: randomBytes(24).toString('hex'),
    MAIL_RATE_PER_MINUTE: '100000',
  };
  const release = spawn(process.execPath, [join(tree, 'dist/scripts/demo.js')], {
    cwd: tree,
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const db = new Client({ connectionString: databaseUrl });
  try {
    await started(release);
    await db.connect();
    const madeAt = new Date().toISOString();
    const planFile = readFileSync(join(tree, 'examples/sevenoaks-2019-22.yaml'), 'utf8');
    const parsed = parsePlanFile(planFile);
    if (!parsed.ok) throw new Error('the release’s example plan does not parse here');
    const otherPlan = planFile
      .replace(
        /^partnership:\n {2}id: sevenoaks-lsp\n {2}name: .*$/m,
        `partnership:\n  id: ${OTHER}\n  name: Other LSP`,
      )
      .replaceAll('@example.org', '.other@example.org');
    const story = new PreviousReleaseStory(
      new ReleaseClient(env.PUBLIC_BASE_URL),
      db,
      parsed.plan,
      otherPlan,
      // Not spawnSync: a blocked event loop lets the release close the client's kept-alive sockets unseen.
      (partnershipId, email, password) =>
        runAsync(
          process.execPath,
          [
            join(tree, 'dist/scripts/staff-create.js'),
            '--partnership',
            partnershipId,
            '--email',
            email,
            '--name',
            'First coordinator',
          ],
          tree,
          { ...env, STAFF_PASSWORD: password },
        ),
      log,
    );
    const result = await story.run();
    log('waiting for the worker to finish');
    await settled(db, redisUrl, queuePrefix);
    const answeredAt = new Date().toISOString();
    await story.record(result);
    await stop(release);

    const streams: Record<string, number> = {};
    for (const row of (
      await db.query<{ kind: string; n: number }>(
        `SELECT split_part(stream_id, ':', 1) AS kind, count(*)::int AS n FROM streams GROUP BY 1 ORDER BY 1`,
      )
    ).rows)
      streams[row.kind] = row.n;
    const [{ events }] = (await db.query<{ events: number }>('SELECT count(*)::int AS events FROM events'))
      .rows;
    const [{ version }] = (
      await db.query<{ version: string }>(`SELECT current_setting('server_version') AS version`)
    ).rows;
    await db.end();

    log('dumping the database');
    const dump = spawnSync(
      'pg_dump',
      ['--no-owner', '--no-privileges', '--inserts', '--rows-per-insert=50', '--dbname', databaseUrl],
      { maxBuffer: 1 << 30 },
    );
    if (dump.status !== 0) throw new Error(`pg_dump failed: ${dump.stderr.toString()}`);
    writeFileSync(join(out, basename(DUMP_FILE)), gzipSync(dump.stdout, { level: 9 }));
    const manifest: Manifest = {
      commit,
      madeAt,
      answeredAt,
      postgres: version,
      env: { TOKEN_PEPPER: env.TOKEN_PEPPER, SESSION_SECRET: env.SESSION_SECRET },
      passwords: result.passwords,
      tokens: result.tokens,
      sessions: result.sessions,
      partnerships: { sevenoaks: SEVENOAKS, other: OTHER },
      cycles: result.cycles,
      returns: result.returns,
      beforeClose: result.beforeClose,
      streams,
      events,
    };
    writeFileSync(join(out, basename(MANIFEST_FILE)), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(
      join(out, basename(ANSWERS_FILE)),
      gzipSync(`${JSON.stringify(story.answers, null, 1)}\n`, { level: 9 }),
    );
    log(
      `written: ${events} events in ${Object.values(streams).reduce((a, b) => a + b, 0)} streams, ${story.answers.length} answers`,
    );
  } finally {
    await stop(release);
    await db.end().catch(() => undefined);
    await deleteQueueKeys(redisUrl, queuePrefix);
    if (!values.keep) {
      await dropDatabase(databaseUrl);
      rmSync(tree, { recursive: true, force: true });
    } else log(`kept ${databaseUrl} and ${tree}`);
  }
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  const result = spawnSync(command, args, { cwd, env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${result.status}`);
}

function runAsync(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: 'inherit' });
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves when `npm start` of the release says it is running (its last line of start-up). */
function started(release: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`the release did not start:\n${output}`)), 120_000);
    release.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
      if (output.includes('Press Ctrl+C to stop.')) {
        clearTimeout(timer);
        resolve();
      }
    });
    release.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the release exited (${code}) while starting:\n${output}`));
    });
  });
}

function stop(release: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve) => {
    if (release.exitCode !== null || release.signalCode !== null) return resolve();
    release.once('exit', () => resolve());
    release.kill('SIGTERM');
  });
}

/**
 * Waits until every processor's checkpoint has passed the last event, no job is waiting or running, and nothing
 * new is appended for a second: the read models and the mail of everything in the story are done.
 */
async function settled(db: Client, redisUrl: string, prefix: string): Promise<void> {
  const url = new URL(redisUrl);
  const connection = { host: url.hostname, port: Number(url.port || 6379) };
  const queues = Object.values(QUEUES).map((name) => new Queue(name, { connection, prefix }));
  try {
    const deadline = Date.now() + 120_000;
    let last = -1;
    for (;;) {
      const [{ behind, head }] = (
        await db.query<{ behind: boolean; head: string }>(
          `SELECT EXISTS (SELECT 1 FROM processor_checkpoints c WHERE EXISTS (
                    SELECT 1 FROM events e WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)))
                  AS behind,
                  (SELECT coalesce(max(global_position), 0) FROM events)::text AS head`,
        )
      ).rows;
      let busy = false;
      for (const queue of queues) {
        // The chase scan is a Job Scheduler: its next run is always delayed.
        const states =
          queue.name === QUEUES.chasing ? ['waiting', 'active'] : ['waiting', 'active', 'delayed'];
        const counts = await queue.getJobCounts(...(states as ['waiting']));
        if (Object.values(counts).some((n) => n > 0)) busy = true;
      }
      if (!behind && !busy && Number(head) === last) return;
      last = behind || busy ? -1 : Number(head);
      if (Date.now() > deadline) throw new Error('the release’s worker did not settle');
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    await Promise.all(queues.map((q) => q.close()));
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(error.stack ?? error.message, error.cause ?? '');
    process.exit(1);
  },
);
