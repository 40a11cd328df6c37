/**
 * Wake-ups (issue 18, point 4): from a command accepted over HTTP (a return submitted, 2xx) to the read model
 * updated (its return_status row says "submitted", written by the worker's return-status processor), p50 and
 * p99, at 1 and at 200 commands/s, open loop (each request sent on its schedule, not after the last answer).
 * Measured with the processors woken by LISTEN/NOTIFY and, as the baseline in the same run, polling only (the
 * worker's 200 ms poll interval, as deployed). The api runs as its own process (as production runs it); the
 * worker runs in this process, started once per mode; a checker reads the read model every 2 ms, so figures
 * include up to that much of its own delay.
 *
 * Environment: BENCH_WAKE_SLOW_SECONDS (run at 1 command/s: 30 s; quick 5), BENCH_WAKE_FAST_SECONDS (run at
 * 200 commands/s: 10 s; quick 3), PROCESSOR_BATCH_GAP_MS (the worker's, as deployed: 20).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { startWorker } from '../apps/worker/src/main.js';
import { AuthService } from '../libs/auth/src/index.js';
import { loadConfig } from '../libs/config/src/index.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { SystemClock } from '../libs/kernel/src/index.js';
import { importPlan } from '../libs/plan/src/index.js';
import { deleteQueueKeys, QUEUES } from '../libs/queues/src/index.js';
import { ChildServer, startProductionApi } from './support/child-server.js';
import { CountingSmtpSink } from './support/counting-smtp-sink.js';
import { figure, Figure } from './support/figures.js';
import { fmt, positiveNumber } from './support/options.js';
import { largePlan, planMeasures } from './support/plans.js';
import { Progress } from './support/progress.js';
import { percentile } from './support/stats.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const SLOW_SECONDS = Math.round(positiveNumber('BENCH_WAKE_SLOW_SECONDS', 30, 5));
const FAST_SECONDS = Math.round(positiveNumber('BENCH_WAKE_FAST_SECONDS', 10, 3));
const RATES = [
  { perSecond: 1, seconds: SLOW_SECONDS },
  { perSecond: 200, seconds: FAST_SECONDS },
];
/** One cycle per mode, with a return for every submit of both rates. */
const MEASURES = RATES.reduce((n, r) => n + r.perSecond * r.seconds, 0) + 10;
const CHECK_EVERY_MS = 2;
const MODES = [
  { name: 'notify', wakeOnAppend: true },
  { name: 'polling only', wakeOnAppend: false },
] as const;

interface Target {
  returnId: string;
  headers: Record<string, string>;
}
interface Latencies {
  p50Ms: number;
  p99Ms: number;
  samples: number;
  /** Submits not accepted (refused or timed out): not in the figures. */
  failed: number;
  firstFailure?: string;
}

export async function wakeBenchmark(
  dataSource: DataSource,
  url: string,
  progress: Progress,
): Promise<Figure[]> {
  const sink = new CountingSmtpSink();
  const queuePrefix = `bench-wake-${randomBytes(4).toString('hex')}`;
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    REDIS_URL,
    SMTP_URL: await sink.start(),
    QUEUE_PREFIX: queuePrefix,
    LOG_LEVEL: 'error',
    CHASE_SCAN_EVERY_MS: '86400000',
    // Each submit mails its reviewers: at the default 120 a minute those mails would still be going out, and
    // keeping the worker busy, when the next mode is measured.
    MAIL_RATE_PER_MINUTE: '100000',
    // To compare the processors' batch gap (README, The fence and wake-ups) with another, or none (0).
    PROCESSOR_BATCH_GAP_MS: process.env.PROCESSOR_BATCH_GAP_MS,
  });
  let api: ChildServer | null = null;
  try {
    const auth = new AuthService(dataSource, new SystemClock());
    const plan = largePlan(MEASURES);
    const partnershipId = plan.partnership.id;
    await importPlan(new EventStore(dataSource), plan, {
      actorId: 'bench',
      actorRole: 'coordinator',
      correlationId: randomUUID(),
    });
    const coordinator = 'wake-coordinator@example.org';
    await auth.createStaff({
      partnershipId,
      email: coordinator,
      name: 'Coordinator',
      role: 'coordinator',
      password: randomBytes(16).toString('hex'),
    });
    const asCoordinator = {
      authorization: `Bearer ${(await auth.createApiToken(coordinator, 'bench')).token}`,
    };
    const leads = new Map<string, Record<string, string>>();
    for (const agency of plan.agencies) {
      const contact = agency.contacts.find((c) => c.role === 'lead')!;
      const session = await auth.createLinkSession({
        linkId: `wake-${agency.id}`,
        partnershipId,
        cycleId: null,
        agencyId: agency.id,
        contactEmail: contact.email,
      });
      leads.set(agency.id, { cookie: `pr_session=${session}` });
    }
    api = await startProductionApi(url, REDIS_URL, queuePrefix);
    const baseUrl = api.baseUrl;
    const post = async (path: string, body: unknown) => {
      const response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { ...asCoordinator, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${await response.text()}`);
      return (await response.json()) as { id: string };
    };
    const targetsFor = new Map<string, Target[]>();
    progress.phase('wake: opening a cycle per mode over HTTP', 0);
    for (const mode of MODES) {
      const { id: cycleId } = await post('/cycles', {
        cycleId: `wake-${mode.name.replace(/\W+/g, '-')}`,
        partnershipId,
        planId: plan.plan.id,
        label: `Wake-up benchmark, ${mode.name}`,
        periodStart: '2026-04-01',
        periodEnd: '2027-03-31',
        dueDate: '2099-04-30',
      });
      await post(`/cycles/${cycleId}/open`, {});
      targetsFor.set(
        mode.name,
        planMeasures(plan).map((m) => ({
          returnId: `${cycleId}.${m.ref}`,
          headers: { ...leads.get(m.agencyId)!, origin: baseUrl, 'content-type': 'application/json' },
        })),
      );
    }
    progress.done(`wake: ${fmt(MEASURES)} returns requested in each of ${MODES.length} cycles`);

    const results = new Map<string, Latencies>();
    for (const mode of MODES) {
      const worker = await startWorker(config, { wakeOnAppend: mode.wakeOnAppend });
      try {
        progress.phase(`wake ${mode.name}: the worker catching up with the set-up`, 0);
        await caughtUp(dataSource);
        // The set-up's own jobs (a projection per return requested, the links' mails) run first: the
        // worker busy with them is not what is measured.
        await queuesIdle(worker, progress, mode.name);
        const targets = targetsFor.get(mode.name)!;
        let next = 0;
        for (const rate of RATES) {
          progress.phase(`wake ${mode.name}: ${rate.perSecond} commands/s for ${rate.seconds} s`, 0);
          const batch = targets.slice(next, next + rate.perSecond * rate.seconds);
          next += batch.length;
          const latencies = await measure(dataSource, baseUrl, batch, rate.perSecond);
          results.set(`${mode.name}@${rate.perSecond}`, latencies);
          progress.done(
            `wake ${mode.name}, ${rate.perSecond} commands/s: p50 ${fmt(latencies.p50Ms, 1)} ms, ` +
              `p99 ${fmt(latencies.p99Ms, 1)} ms (${fmt(latencies.samples)} commands accepted, ` +
              `${latencies.failed} refused${latencies.firstFailure ? `, e.g. ${latencies.firstFailure.slice(0, 120)}` : ''})`,
          );
        }
      } finally {
        await closeWorker(worker);
      }
    }
    return RATES.map((rate) => {
      const notify = results.get(`notify@${rate.perSecond}`)!;
      const polling = results.get(`polling only@${rate.perSecond}`)!;
      return figure({
        bench: 'wake',
        scenario: `submit accepted (2xx) -> return_status updated, ${rate.perSecond} commands/s`,
        unit: 'ms',
        value: notify.p50Ms,
        baseline: { name: 'polling only p50', value: polling.p50Ms },
        p50Ms: notify.p50Ms,
        p99Ms: notify.p99Ms,
        target: 'p50 below polling only',
        met: notify.p50Ms < polling.p50Ms,
        note:
          `polling only p99 ${fmt(polling.p99Ms, 1)} ms; ${fmt(notify.samples)} and ${fmt(polling.samples)} ` +
          `commands accepted (${notify.failed} and ${polling.failed} refused)`,
        detail: { notify, polling, pollIntervalMs: 200, checkEveryMs: CHECK_EVERY_MS },
      });
    });
  } finally {
    await api?.stop();
    await sink.stop();
    await deleteQueueKeys(config.redisUrl, config.queuePrefix);
  }
}

/** Until the worker's queues hold no job waiting or running, with the count shown as it drains. */
async function queuesIdle(worker: INestApplicationContext, progress: Progress, mode: string): Promise<void> {
  const queues = Object.values(QUEUES).map((name) =>
    worker.get<Queue>(getQueueToken(name), { strict: false }),
  );
  const started = Date.now();
  let first = 0;
  for (;;) {
    let owed = 0;
    for (const queue of queues) {
      const counts = await queue.getJobCounts('waiting', 'active', 'prioritized', 'waiting-children');
      owed += Object.values(counts).reduce((a, b) => a + b, 0);
    }
    // Jobs can still be added as the relay reads on: the total is the most seen owed at once.
    first = Math.max(first, owed);
    if (owed === 0) return;
    if (Date.now() - started > 600_000)
      throw new Error(`the set-up's ${owed} jobs were not done in 10 minutes`);
    progress.count(`wake ${mode}: the set-up's jobs done`, first - owed, first);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function closeWorker(worker: INestApplicationContext): Promise<void> {
  await worker.close().catch(() => undefined);
}

/** Until the worker's processors have read every event stored so far. */
async function caughtUp(dataSource: DataSource): Promise<void> {
  const deadline = Date.now() + 300_000;
  for (;;) {
    const [{ behind }] = await dataSource.query<{ behind: number }[]>(
      `SELECT count(*)::int AS behind FROM processor_checkpoints c
       WHERE c.name IN ('outbox-relay', 'return-status', 'reporting')
         AND EXISTS (SELECT FROM events e WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position))`,
    );
    const [{ processors }] = await dataSource.query<{ processors: number }[]>(
      `SELECT count(*)::int AS processors FROM processor_checkpoints WHERE name IN ('outbox-relay', 'return-status', 'reporting')`,
    );
    if (behind === 0 && processors === 3) return;
    if (Date.now() > deadline) throw new Error('the worker did not catch up with the set-up in 5 minutes');
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Submits each target on schedule (`perSecond`, open loop) and times each from its 2xx to its return_status row
 * saying submitted.
 */
async function measure(
  dataSource: DataSource,
  baseUrl: string,
  targets: readonly Target[],
  perSecond: number,
): Promise<Latencies> {
  const accepted = new Map<string, number>();
  const latencies: number[] = [];
  const failures: string[] = [];
  let sending = true;
  const checker = (async () => {
    while (sending || accepted.size > 0) {
      if (accepted.size > 0) {
        const rows = await dataSource.query<{ return_id: string }[]>(
          `SELECT return_id FROM return_status WHERE status = 'submitted' AND return_id = ANY($1::text[])`,
          [[...accepted.keys()]],
        );
        const now = performance.now();
        for (const { return_id } of rows) {
          latencies.push(Math.max(0, now - accepted.get(return_id)!));
          accepted.delete(return_id);
        }
      }
      await new Promise((r) => setTimeout(r, CHECK_EVERY_MS));
    }
  })();
  const sent: Promise<void>[] = [];
  const t0 = performance.now();
  try {
    await send();
  } finally {
    // The checker stops however the sending ended: it must not outlive the database it reads.
    sending = false;
    const deadline = Date.now() + 60_000;
    const stuck = setInterval(() => {
      if (Date.now() > deadline) accepted.clear();
    }, 1000);
    await checker.catch((error: Error) => failures.push(`checker: ${error.message}`));
    clearInterval(stuck);
  }
  // A submit refused or lost on the way (an overloaded machine) is counted; one accepted and never seen in the
  // read model would be a skipped event, and fails the benchmark.
  if (latencies.length + failures.length !== targets.length) {
    throw new Error(
      `${targets.length - latencies.length - failures.length} accepted submits never reached the read model in 60 s`,
    );
  }
  if (latencies.length === 0) throw new Error(`every submit failed, e.g. ${failures[0]}`);
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    samples: sorted.length,
    failed: failures.length,
    firstFailure: failures[0],
  };

  async function send(): Promise<void> {
    for (let i = 0; i < targets.length; i++) {
      const due = t0 + (i * 1000) / perSecond;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const target = targets[i];
      sent.push(
        fetch(`${baseUrl}/returns/${encodeURIComponent(target.returnId)}/submit`, {
          method: 'POST',
          headers: target.headers,
          body: JSON.stringify({
            rag: 'green',
            narrative: 'On track: every action of the quarter done.',
            dot: 'improving',
            comments: 'Measured by the wake-up benchmark.',
          }),
        })
          .then(async (response) => {
            if (response.ok) accepted.set(target.returnId, performance.now());
            else failures.push(`${response.status} ${await response.text()}`);
          })
          .catch((error: Error) => {
            failures.push(error.message);
          }),
      );
    }
    await Promise.all(sent);
  }
}
