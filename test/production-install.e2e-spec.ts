import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { Client } from 'pg';
import { dropDatabase, ensureDatabase } from '../libs/database/src/index.js';
import { deleteQueueKeys } from '../libs/queues/src/index.js';
import { SmtpSink } from './support/smtp-sink.js';
import { kill } from './support/worker-process.js';

/**
 * What the container image holds, without a container engine: the runtime stage's files copied as
 * infra/Dockerfile copies them (its COPY lines are read, so the two cannot drift apart), the production
 * dependencies installed with `npm ci --omit=dev`, and the compiled dist/. Started in production mode it must
 * migrate an empty database, serve pages, sign a coordinator in, take a past year's report and print it as a PDF,
 * and run the worker: everything a deployment does first.
 */
const ROOT = join(__dirname, '..');
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const COORDINATOR = 'coordinator@sevenoaks.example';
const PASSWORD = randomBytes(12).toString('base64url');

/** `COPY [--chown=...] <src>... <dest>` lines of the runtime stage that copy from the build context. */
export function runtimeCopies(dockerfile: string): { sources: string[]; dest: string }[] {
  const stage = dockerfile.split(/^FROM /m).find((s) => /^\S+ AS runtime\b/.test(s));
  if (!stage) throw new Error('infra/Dockerfile has no runtime stage');
  return stage
    .split('\n')
    .filter((line) => /^COPY\s/.test(line) && !/--from=/.test(line))
    .map((line) => {
      const words = line
        .trim()
        .split(/\s+/)
        .slice(1)
        .filter((w) => !w.startsWith('--'));
      return { sources: words.slice(0, -1), dest: words.at(-1)! };
    });
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(path));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** `npm test` builds dist/ first (pretest); a direct jest run builds it here when a source is newer. */
function freshBuild(): void {
  const main = join(ROOT, 'dist/apps/api/src/main.js');
  const sources = Math.max(...['apps', 'libs', 'scripts'].map((d) => newestSource(join(ROOT, d))));
  if (existsSync(main) && statSync(main).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
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

describe('the production install (the image, without a container engine)', () => {
  let app: string;
  let databaseUrl: string;
  let env: Record<string, string>;
  let baseUrl: string;
  let api: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  const workerOutput: string[] = [];
  const smtp = new SmtpSink();

  const run = (script: string, args: string[], extra: Record<string, string> = {}) =>
    execFileSync(process.execPath, [join(app, 'dist/scripts', script), ...args], {
      cwd: app,
      env: { ...env, ...extra },
      encoding: 'utf8',
    });

  beforeAll(async () => {
    app = mkdtempSync(join(tmpdir(), 'partner-returns-image-'));
    freshBuild();
    for (const { sources, dest } of runtimeCopies(readFileSync(join(ROOT, 'infra/Dockerfile'), 'utf8'))) {
      for (const source of sources) {
        const into = dest.endsWith('/') ? join(app, dest, source.split('/').at(-1)!) : join(app, dest);
        cpSync(join(ROOT, source), into, { recursive: true });
      }
    }
    cpSync(join(ROOT, 'dist'), join(app, 'dist'), { recursive: true });
    // From the npm cache `npm ci` filled (the registry for anything missing), and no devDependency (playwright-core must be a dependency).
    execFileSync(
      'npm',
      ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
      {
        cwd: app,
        stdio: 'inherit',
        env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
      },
    );

    const url = new URL(ADMIN_URL);
    url.pathname = `/pr_image_${randomBytes(4).toString('hex')}`;
    databaseUrl = url.toString();
    await ensureDatabase(databaseUrl);
    const smtpUrl = await smtp.start();
    const port = await freePort();
    const workerPort = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      REDIS_URL,
      QUEUE_PREFIX: `image-${randomBytes(4).toString('hex')}`,
      SMTP_URL: smtpUrl,
      PUBLIC_BASE_URL: baseUrl,
      MAIL_FROM: 'Partner Returns <returns@sevenoaks.gov.uk>',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      TOKEN_PEPPER: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      WORKER_METRICS_PORT: String(workerPort),
    };
  }, 300_000);

  afterAll(async () => {
    if (api) await kill(api);
    if (worker) await kill(worker);
    await smtp.stop();
    if (databaseUrl) await dropDatabase(databaseUrl);
    // Its Redis keys too: each run left its queues behind under its own prefix.
    if (env) await deleteQueueKeys(REDIS_URL, env.QUEUE_PREFIX);
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('holds the production tree only: no build or test tool, and the PDF driver', () => {
    // Some devDependencies are also a dependency's own (exceljs brings jszip): only tools that nothing in
    // production needs must be gone.
    for (const tool of ['jest', '@swc/core', 'supertest', 'eslint', 'node', 'prettier'])
      expect({ tool, present: existsSync(join(app, 'node_modules', tool)) }).toEqual({
        tool,
        present: false,
      });
    expect(existsSync(join(app, 'node_modules/playwright-core'))).toBe(true);
    expect(existsSync(join(app, 'libs/web/views'))).toBe(true);
  });

  it('starts the api in production mode on an empty database, which it migrates', async () => {
    api = spawn(process.execPath, ['dist/apps/api/src/main.js'], { cwd: app, env, stdio: 'inherit' });
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (api.exitCode !== null) throw new Error(`the api exited with ${api.exitCode}`);
      const ready = await fetch(`${baseUrl}/health/ready`).then(
        (r) => r.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) throw new Error('the api was not ready within 90 s');
      await new Promise((r) => setTimeout(r, 250));
    }
    const page = await fetch(`${baseUrl}/sign-in`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('govuk-template');
  }, 120_000);

  it('imports the plan and creates a coordinator with the production scripts', async () => {
    expect(run('plan-import.js', ['examples/sevenoaks-2019-22.yaml'])).toMatch(/imported into sevenoaks-lsp/);
    expect(
      run(
        'staff-create.js',
        [
          '--partnership',
          'sevenoaks-lsp',
          '--email',
          COORDINATOR,
          '--name',
          'Casey Coordinator',
          '--role',
          'coordinator',
        ],
        {
          STAFF_PASSWORD: PASSWORD,
        },
      ),
    ).toMatch(/Created coordinator/);
    // At the production cost (tests elsewhere make accounts at a test-only one: see PASSWORD_HASHING).
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT password_hash FROM staff_accounts WHERE email = $1', [
        COORDINATOR,
      ]);
      expect(rows).toEqual([
        { password_hash: expect.stringMatching(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/) },
      ]);
    } finally {
      await db.end();
    }
  }, 60_000);

  it('signs the coordinator in, records a past year and prints its report as a PDF', async () => {
    const signIn = await fetch(`${baseUrl}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: COORDINATOR, password: PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0];
    const report = readFileSync(join(app, 'examples/sevenoaks-2019-20-report.json'), 'utf8');
    const recorded = await fetch(`${baseUrl}/cycles/historical`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: baseUrl },
      body: JSON.stringify({ report: JSON.parse(report) }),
    });
    expect(recorded.status).toBe(201);
    const { id } = (await recorded.json()) as { id: string };
    const pdf = await fetch(`${baseUrl}/cycles/${id}/report?format=pdf`, { headers: { cookie } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toMatch(/application\/pdf/);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await PDFDocument.load(bytes)).getPageCount()).toBeGreaterThan(1);
  }, 120_000);

  it('runs the worker in production mode beside it', async () => {
    worker = spawn(process.execPath, ['dist/apps/worker/src/main.js'], {
      cwd: app,
      env: { ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (d: Buffer) => workerOutput.push(d.toString()));
    worker.stderr!.on('data', (d: Buffer) => workerOutput.push(d.toString()));
    // The image's HEALTHCHECK asks the worker's own listener, as here.
    const health = `http://127.0.0.1:${env.WORKER_METRICS_PORT}/health`;
    const deadline = Date.now() + 60_000;
    let status = 0;
    while (status !== 200 && worker.exitCode === null && Date.now() < deadline) {
      status = await fetch(health).then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 250));
    }
    const output = worker.exitCode === null ? '' : workerOutput.join('');
    expect({ status, exitCode: worker.exitCode, output }).toEqual({
      status: 200,
      exitCode: null,
      output: '',
    });
  }, 90_000);
});
