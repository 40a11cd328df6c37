import { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Queue } from 'bullmq';
import { ApiModule } from '../apps/api/src/api.module.js';
import { configureApi } from '../apps/api/src/configure-app.js';
import { READ_MODEL_TABLES } from '../apps/composition/src/index.js';
import { startWorker } from '../apps/worker/src/main.js';
import { AuthService } from '../libs/auth/src/index.js';
import { zonedInstant } from '../libs/chasing/src/index.js';
import { AppConfig, loadConfig } from '../libs/config/src/index.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { bullConnection, CHASING_JOBS, deleteQueueKeys, QUEUES } from '../libs/queues/src/index.js';
import { freePort, spawnApi } from './support/api-process.js';
import { FileClock, setSharedClock } from './support/shared-clock.js';
import { expectNoHeldEvents, untilQuiet } from './support/processors.js';
import { eventually, http, importSevenoaks, PASSWORD, STAFF } from './support/product.js';
import { SmtpSink } from './support/smtp-sink.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';
import { kill, spawnWorker } from './support/worker-process.js';

type Headers = Record<string, string>;
const CLOCKED = join(__dirname, 'support/clocked-process.ts');
/** Where people reach the service: the load balancer in front of every api. Origin checks and links use it. */
const PUBLIC = 'http://returns.example.test';
const CYCLE = 'scale';
const at = (date: string, time: string) => zonedInstant(date, time, 'Europe/London');
const LEADS = {
  csp: 'priya.shah@example.org',
  hat: 'laura.whitfield@example.org',
  kcc: 'samuel.adeyemi@example.org',
  lcpg: 'chloe.bennett@example.org',
  dc1: 'hannah.okafor@example.org',
  dc2: 'daniel.pryce@example.org',
};
const REVIEWERS = [STAFF.reviewer, STAFF.reviewer2];

/**
 * What each step of the cycle mails, as `<kind> <recipient>`, sorted. The same in every run: one api and one
 * worker, or two of each. A duplicate shows as a line twice, a missing mail as a line absent.
 */
const EXPECTED_MAILS: Record<string, string[]> = {
  // Opening: each lead contact of the five agencies gets a link.
  '2020-03-02 open': Object.values(LEADS).map((to) => `link ${to}`),
  // S2 sent back: its lead hears at once; submissions wait for the reviewers' hourly digests.
  '2020-03-02 review': [`sent-back ${LEADS.csp}`],
  '2020-03-02 digests': REVIEWERS.map((to) => `digest ${to}`),
  // Outstanding: S2 (sent back), D4, C3 and G2; H1 approved, G1 submitted.
  '2020-04-03 reminder': [LEADS.csp, LEADS.kcc, LEADS.lcpg, LEADS.dc1, LEADS.dc2].map(
    (to) => `reminder ${to}`,
  ),
  '2020-04-06 chase now': [`now ${LEADS.kcc}`],
  '2020-04-08 resubmit': [],
  '2020-04-08 digests': REVIEWERS.map((to) => `digest ${to}`),
  '2020-04-16 reminder': [LEADS.kcc, LEADS.lcpg, LEADS.dc1, LEADS.dc2].map((to) => `reminder ${to}`),
  '2020-04-21 due': [LEADS.kcc, LEADS.lcpg, LEADS.dc1, LEADS.dc2].map((to) => `due ${to}`),
  '2020-04-28 overdue': [LEADS.kcc, LEADS.lcpg, LEADS.dc1, LEADS.dc2].map((to) => `overdue ${to}`),
};
for (const lines of Object.values(EXPECTED_MAILS)) lines.sort();

/** The mail's kind, from its subject (see libs/mail/src/templates). */
function kindOf(subject: string): string {
  if (/your returns for .* are due by/.test(subject)) return 'link';
  if (/: Reminder: /.test(subject)) return 'reminder';
  if (/: Due today: /.test(subject)) return 'due';
  if (/: Overdue: /.test(subject)) return 'overdue';
  if (/: Please send /.test(subject)) return 'now';
  if (/are still overdue$/.test(subject)) return 'escalation';
  if (/needs changes$/.test(subject)) return 'sent-back';
  if (/ has submitted /.test(subject)) return 'submitted';
  return 'digest';
}

/**
 * Columns whose values legitimately differ between two runs of the same script: positions in the log (two
 * processes interleave their appends with the commands differently), the database's own clock, and the message
 * id the mail library makes up for each mail. Only whether they hold a value is compared.
 */
const VARYING = new Set<string>([
  'last_position',
  'global_position',
  'event_position',
  'updated_at',
  'created_at',
  'message_id',
]);

interface Run {
  mails: Record<string, string[]>;
  tables: Record<string, string[]>;
  /** The mail ledger's sent records, by stream prefix: one per mail. */
  ledger: Record<string, number>;
}

/**
 * Issue 18 point 8: the product scaled out. A whole cycle (opening, leads submitting through their links,
 * reviewers approving and sending back, digests, chases on their days) driven through two api processes in
 * turn, with two worker processes, on one PostgreSQL database, one Redis and one SMTP server; then the same
 * script on one api and one worker with a fresh database. Each run's mail is counted by step, kind and
 * recipient; the read models of the two runs are compared row for row. The business clock is a file every
 * process reads (shared-clock.ts), moved by the test as test/chasing.e2e.ts moves its FixedClock.
 */
describe('scale-out: 2 apis and 2 workers on one database and one Redis (e2e)', () => {
  let scaled: Run;

  it('sends every mail of a whole cycle exactly once, with sessions and CSRF working across apis', async () => {
    scaled = await runCycle({ apis: 2, workers: 2, label: 'scale2' });
    expect(scaled.mails).toEqual(EXPECTED_MAILS);
  }, 300_000);

  it('ends with the same read models as one api and one worker running the same script', async () => {
    expect(scaled).toBeDefined();
    const single = await runCycle({ apis: 1, workers: 1, label: 'scale1' });
    expect(single.mails).toEqual(EXPECTED_MAILS);
    expect(single.ledger).toEqual(scaled.ledger);
    // Every read model's tables (apps/composition's), compared row for row between runs.
    for (const table of READ_MODEL_TABLES) {
      expect([table, single.tables[table]]).toEqual([table, scaled.tables[table]]);
    }
    // Not an empty comparison: the cycle's seven returns are in each model.
    expect(single.tables.return_status).toHaveLength(7);
    expect(single.tables.report_requested_returns).toHaveLength(7);
  }, 300_000);
});

/** One whole cycle on `apis` api processes (used in turn) and `workers` worker processes. */
async function runCycle({
  apis,
  workers,
  label,
}: {
  apis: number;
  workers: number;
  label: string;
}): Promise<Run> {
  // One of each runs in this process (its modules are loaded already, so it starts in a fraction of the time
  // of a process of its own); two of each run as processes.
  const inProcess = apis === 1 && workers === 1;
  const stops: (() => Promise<unknown>)[] = [];
  const db = await createTestDatabase(label);
  const smtp = new SmtpSink();
  const smtpUrl = await smtp.start();
  const dir = mkdtempSync(join(tmpdir(), 'pr-clock-'));
  const clockFile = join(dir, 'now');
  setSharedClock(clockFile, at('2020-03-02', '10:00'));
  const clock = new FileClock(clockFile);
  const config: AppConfig = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL,
    SMTP_URL: smtpUrl,
    QUEUE_PREFIX: `test-${label}-${randomBytes(4).toString('hex')}`,
    PUBLIC_BASE_URL: PUBLIC,
  });
  const env = {
    TEST_CLOCK_FILE: clockFile,
    MAIL_RATE_PER_MINUTE: '60000',
  };
  const children: ChildProcess[] = [];
  const chasing = new Queue(QUEUES.chasing, {
    connection: bullConnection(config.redisUrl),
    prefix: config.queuePrefix,
  });
  try {
    const store = new EventStore(db.dataSource);
    await importSevenoaks(store);
    const auth = new AuthService(db.dataSource, clock);
    const bearer: Record<string, Headers> = {};
    for (const [email, role] of [
      [STAFF.coordinator, 'coordinator'],
      [STAFF.reviewer, 'reviewer'],
      [STAFF.reviewer2, 'reviewer'],
    ] as const) {
      await auth.createStaff({
        partnershipId: 'sevenoaks-lsp',
        email,
        name: email,
        role,
        password: PASSWORD,
      });
      bearer[email] = { authorization: `Bearer ${(await auth.createApiToken(email, 'scale')).token}` };
    }

    const apiUrls = inProcess
      ? [await startInProcess(config, clock, stops)]
      : await startProcesses(config, env, apis, workers, children);
    // Each request goes to the next api, as a round-robin load balancer sends them.
    let turn = 0;
    const next = () => apiUrls[turn++ % apiUrls.length];
    const call = (method: string, path: string, headers: Headers, body?: unknown) =>
      http(next())(method, path, headers, body);
    const expectStatus = async (response: Promise<{ status: number; body: unknown }>, status: number) => {
      const r = await response;
      expect([r.status, r.body]).toEqual([status, expect.anything()]);
      return r;
    };

    const mails: Record<string, string[]> = {};
    let seen = 0;
    /** Waits until the workers have nothing left to do, then files the mail that came under this step. */
    const settle = async (step: string) => {
      await untilQuiet({ db, config }, 30_000);
      const now = smtp.mails.slice(seen);
      seen = smtp.mails.length;
      mails[step] = now.flatMap((m) => m.to.map((to) => `${kindOf(m.subject)} ${to}`)).sort();
    };
    let scans = 0;
    /** The chase scan the Job Scheduler runs, at the clock's time: any worker takes it. */
    const scan = async (step: string) => {
      await chasing.add(CHASING_JOBS.scan, {}, { jobId: `test-scan-${++scans}` });
      await settle(step);
    };
    const moveTo = (date: string, time: string) => setSharedClock(clockFile, at(date, time));

    /** An agency lead's session, from the link their opening mail gave them, exchanged at one api. */
    const leadSession = async (email: string): Promise<Headers> => {
      const mail = smtp.mails.find((m) => kindOf(m.subject) === 'link' && m.to.includes(email))!;
      const token = /\/l\/([A-Za-z0-9_-]{43})/.exec(mail.text)![1];
      const exchanged = await fetch(`${next()}/l`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: `token=${token}`,
      });
      expect(exchanged.status).toBe(303);
      const cookie = exchanged.headers.getSetCookie().find((c) => c.startsWith('pr_session='))!;
      return { cookie: cookie.split(';')[0], origin: PUBLIC };
    };
    const rid = (ref: string) => `sevenoaks-lsp~${CYCLE}.${ref}`;
    const submit = async (lead: Headers, ref: string, rag: string) => {
      const content = { rag, narrative: `${ref}: what was done in 2019/20.`, dot: 'improving' };
      await expectStatus(call('PUT', `/returns/${rid(ref)}/draft`, lead, content), 200);
      await expectStatus(call('POST', `/returns/${rid(ref)}/submit`, lead, content), 200);
    };

    // 2020-03-02, 10:00: the coordinator drafts and opens the cycle; the leads get their links.
    await expectStatus(
      call('POST', '/cycles', bearer[STAFF.coordinator], {
        partnershipId: 'sevenoaks-lsp',
        planId: 'community-plan-2019-22',
        label: 'Scale 2019/20',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2020-04-21',
        cycleId: CYCLE,
      }),
      201,
    );
    await expectStatus(
      call('POST', `/cycles/${CYCLE}/open`, bearer[STAFF.coordinator], {
        measureRefs: ['S1', 'S2', 'H1', 'D4', 'C3', 'G1', 'G2'],
      }),
      200,
    );
    await settle('2020-03-02 open');

    // 10:05: three agencies submit through their links; the reviewers decide.
    moveTo('2020-03-02', '10:05');
    const csp = await leadSession(LEADS.csp);
    await submit(csp, 'S1', 'green');
    await submit(csp, 'S2', 'amber');
    await submit(await leadSession(LEADS.hat), 'H1', 'green');
    await submit(await leadSession(LEADS.dc1), 'G1', 'red');
    await approveOnPage(apiUrls, rid('S1'));
    await expectStatus(
      call('POST', `/returns/${rid('S2')}/send-back`, bearer[STAFF.reviewer2], {
        reason: 'Please add the Q4 figures',
      }),
      200,
    );
    await expectStatus(call('POST', `/returns/${rid('H1')}/approve`, bearer[STAFF.reviewer2]), 200);
    await settle('2020-03-02 review');
    // 11:05: the 10:00 window has closed; the scan sends its digests.
    moveTo('2020-03-02', '11:05');
    await scan('2020-03-02 digests');

    // The chase schedule's days (see test/chasing.e2e.ts), and a chase the coordinator asks for.
    moveTo('2020-04-03', '10:00');
    await scan('2020-04-03 reminder');
    moveTo('2020-04-06', '10:00');
    await expectStatus(
      call('POST', `/cycles/${CYCLE}/agencies/kent-cc/chase`, bearer[STAFF.coordinator]),
      202,
    );
    await settle('2020-04-06 chase now');
    moveTo('2020-04-08', '10:00');
    await submit(await leadSession(LEADS.csp), 'S2', 'green');
    await expectStatus(call('POST', `/returns/${rid('S2')}/approve`, bearer[STAFF.reviewer]), 200);
    await expectStatus(call('POST', `/returns/${rid('G1')}/approve`, bearer[STAFF.reviewer]), 200);
    await settle('2020-04-08 resubmit');
    moveTo('2020-04-08', '11:05');
    await scan('2020-04-08 digests');
    moveTo('2020-04-16', '10:00');
    await scan('2020-04-16 reminder');
    moveTo('2020-04-21', '10:00');
    await scan('2020-04-21 due');
    moveTo('2020-04-28', '10:00');
    await scan('2020-04-28 overdue');
    await expectNoHeldEvents(db.dataSource);

    return {
      mails,
      tables: await readModels(db),
      ledger: await ledgerCounts(db),
    };
  } finally {
    await chasing.close();
    await Promise.all(children.map((c) => kill(c)));
    for (const stop of stops) await stop();
    await smtp.stop();
    await db.drop();
    await deleteQueueKeys(config.redisUrl, config.queuePrefix);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every api and every worker in a process of its own, started at once; their urls once all are up. */
async function startProcesses(
  config: AppConfig,
  env: Headers,
  apis: number,
  workers: number,
  children: ChildProcess[],
): Promise<string[]> {
  const workerPorts = await Promise.all(Array.from({ length: workers }, () => freePort()));
  const starts = await Promise.allSettled([
    ...Array.from({ length: apis }, async () => {
      const api = await spawnApi(config, env, [CLOCKED, 'api']);
      children.push(api.child);
      return api.baseUrl;
    }),
    ...workerPorts.map(async (port) => {
      const child = spawnWorker(config, { ...env, WORKER_METRICS_PORT: String(port) }, [CLOCKED, 'worker']);
      children.push(child);
      // Its own listener answers once the worker has started (see Metrics and alerts in the README).
      await eventually(async () => {
        if (child.exitCode !== null) throw new Error(`a worker exited while starting (${child.exitCode})`);
        return fetch(`http://127.0.0.1:${port}/health`).then(
          (r) => r.ok,
          () => false,
        );
      }, 180_000);
      return null;
    }),
  ]);
  // Every start is awaited, failed or not, so the caller stops every process that did start.
  const failed = starts.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return starts.flatMap((s) => (s.status === 'fulfilled' && s.value ? [s.value] : []));
}

/** One api and one worker in this process, on the shared clock; the api's url. */
async function startInProcess(
  config: AppConfig,
  clock: FileClock,
  stops: (() => Promise<unknown>)[],
): Promise<string> {
  const api = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config, clock), {
    bufferLogs: true,
  });
  configureApi(api);
  await api.listen(0, '127.0.0.1');
  stops.push(() => api.close());
  const worker = await startWorker(config, { clock });
  stops.unshift(() => worker.close());
  return (await api.getUrl()).replace('[::1]', '127.0.0.1');
}

/**
 * The reviewer approves S1 through the pages as a browser behind a load balancer would: the sign-in page from
 * the first api and its form posted to the last, the review page (and its CSRF token, bound to the session) from
 * the first api and its approve form posted to the last. A wrong token is refused there, so the check is live.
 */
async function approveOnPage(apiUrls: string[], returnId: string): Promise<void> {
  const [a, b] = [apiUrls[0], apiUrls[apiUrls.length - 1]];
  const page = async (url: string, cookie: string) => {
    const response = await fetch(url, { headers: { cookie, accept: 'text/html' }, redirect: 'manual' });
    const html = await response.text();
    expect(response.status).toBe(200);
    const csrfCookie = response.headers.getSetCookie().find((c) => c.startsWith('pr_csrf='))!;
    return {
      token: /name="_csrf" value="([^"]+)"/.exec(html)![1],
      csrfCookie: csrfCookie.split(';')[0],
      html,
    };
  };
  const post = (url: string, cookie: string, fields: Record<string, string>) =>
    fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie,
        origin: PUBLIC,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(fields).toString(),
    });

  const signInPage = await page(`${a}/sign-in`, '');
  const signedIn = await post(`${b}/sign-in`, signInPage.csrfCookie, {
    _csrf: signInPage.token,
    email: STAFF.reviewer,
    password: PASSWORD,
  });
  expect(signedIn.status).toBe(303);
  const session = signedIn.headers
    .getSetCookie()
    .find((c) => c.startsWith('pr_session='))!
    .split(';')[0];

  const review = await page(`${a}/review/returns/${returnId}`, session);
  const version = /name="version" value="(\d+)"/.exec(review.html)![1];
  const cookie = `${session}; ${review.csrfCookie}`;
  const action = `${b}/review/returns/${returnId}/approve`;
  const forged = await post(action, cookie, { _csrf: `${review.token.slice(0, -4)}AAAA`, version });
  expect(forged.status).toBe(403);
  const approved = await post(action, cookie, { _csrf: review.token, version });
  expect([approved.status, approved.headers.get('location')]).toEqual([
    303,
    `/review?approved=${encodeURIComponent(returnId)}`,
  ]);
}

/** Each read model's rows as sorted JSON lines, a varying column's value replaced by whether it has one. */
async function readModels(db: TestDatabase): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const table of READ_MODEL_TABLES) {
    const rows: Record<string, unknown>[] = await db.dataSource.query(`SELECT * FROM ${table}`);
    tables[table] = rows
      .map((row) =>
        JSON.stringify(
          Object.entries(row).map(([column, value]) =>
            VARYING.has(column) ? [column, value === null ? null : 'set'] : [column, value],
          ),
        ),
      )
      .sort();
  }
  return tables;
}

/** The ledger's `<Kind>Sent` events by kind: one per mail that went. */
async function ledgerCounts(db: TestDatabase): Promise<Record<string, number>> {
  const rows: { type: string; n: number }[] = await db.dataSource.query(
    `SELECT type, count(*)::int AS n FROM events WHERE type LIKE '%Sent' AND type <> 'ReturnSentBack'
     GROUP BY type ORDER BY type`,
  );
  return Object.fromEntries(rows.map((r) => [r.type, r.n]));
}
