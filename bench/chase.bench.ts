/**
 * Chase fan-out (issue 7, target d): BENCH_CHASE_PARTNERSHIPS partnerships of BENCH_CHASE_AGENCIES agencies each
 * (10,000 agency lead contacts in all), every agency owning one overdue return, chased by the real worker (in this
 * process, on a fixed business clock inside the send window, the first overdue chase day) into a local SMTP sink:
 * one scan, one chase per agency (AgencyChased), one digest per lead contact through the mail queue and the mail
 * ledger. Timed from the scan to the last digest; then checked: every lead got exactly one, nobody else got one.
 *
 * Baseline: nodemailer sending the same number of mails of the same size to the same sink straight from a loop,
 * as many at a time as the worker's mail processor runs (MAIL_CONCURRENCY, the product's default unless
 * BENCH_MAIL_CONCURRENCY sets it), over the same pooled SMTP connections (SMTP_URL with
 * `?pool=true&maxConnections=4`, nodemailer's own option, for both sides).
 *
 * The set-up goes through the product's commands (plan import, draft and open cycle, an in-process api context).
 * The submission-link mails of opening the cycles are not part of the measure: the outbox relay's checkpoint is
 * moved past the set-up before the worker starts. The mail rate limit is raised for the run (MAIL_RATE_PER_MINUTE
 * 100000, its maximum; the default 120 a minute is a deliberate throttle for real SMTP relays).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { createTransport } from 'nodemailer';
import { DataSource } from 'typeorm';
import { ApiModule } from '../apps/api/src/api.module.js';
import { ChaseScanner } from '../apps/worker/src/chasing.processor.js';
import { startWorker } from '../apps/worker/src/main.js';
import { loadConfig } from '../libs/config/src/index.js';
import { FixedClock, scopedCycleId } from '../libs/kernel/src/index.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { importPlan } from '../libs/plan/src/index.js';
import { deleteQueueKeys } from '../libs/queues/src/index.js';
import { DraftCycleCommand, OpenCycleCommand } from '../libs/returns/src/index.js';
import { ChildServer, freePort, startChildServer } from './support/child-server.js';
import { CountingSmtpSink } from './support/counting-smtp-sink.js';
import { figure, Figure } from './support/figures.js';
import { fmt, positiveNumber } from './support/options.js';
import { planForPartnership, widePlan } from './support/plans.js';
import { processCpuMs } from './support/process-cpu.js';
import { Progress } from './support/progress.js';

const PARTNERSHIPS = Math.round(positiveNumber('BENCH_CHASE_PARTNERSHIPS', 100, 20));
const AGENCIES = Math.round(positiveNumber('BENCH_CHASE_AGENCIES', 100, 50));
const TARGET = 500;
/** Opened on a Monday; due a fortnight later; the first overdue chase is 5 working days after that. */
const OPENED_AT = new Date('2026-11-02T09:00:00Z');
const DUE_DATE = '2026-11-16';
const CHASE_AT = new Date('2026-11-23T10:00:00Z');
/** SMTP connections, for the worker and the baseline alike. */
const SMTP_CONNECTIONS = 4;
/** Worker processes: this process's, and BENCH_CHASE_WORKERS - 1 more of their own on the same queues. */
const WORKERS = Math.round(positiveNumber('BENCH_CHASE_WORKERS', 1));
const RELAY_POLL_MS = 50;

/** Another worker, as a process of its own, on the benchmark's queues and business clock. */
async function startClockedWorker(env: Record<string, string | undefined>, at: Date): Promise<ChildServer> {
  const port = await freePort();
  const defined = Object.fromEntries(
    Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return startChildServer(
    join(__dirname, 'support', 'clocked-worker.js'),
    {
      ...defined,
      WORKER_METRICS_PORT: String(port),
      BENCH_CLOCK_AT: at.toISOString(),
      BENCH_RELAY_POLL_MS: String(RELAY_POLL_MS),
    },
    '/health',
    port,
  );
}

export async function chaseBenchmark(
  dataSource: DataSource,
  url: string,
  progress: Progress,
): Promise<Figure[]> {
  const sink = new CountingSmtpSink();
  // Pooled SMTP connections (nodemailer's pool=true, which SMTP_URL passes through): a fresh connection per mail
  // costs ~100 ms of dialogue here (37 mails/s from a plain loop), which would hide everything else.
  const smtpUrl = `${await sink.start()}?pool=true&maxConnections=${SMTP_CONNECTIONS}`;
  const clock = new FixedClock(OPENED_AT);
  const env = {
    NODE_ENV: 'test',
    DATABASE_URL: url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    SMTP_URL: smtpUrl,
    QUEUE_PREFIX: `bench-chase-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'warn',
    MAIL_RATE_PER_MINUTE: '100000',
    // The scheduler's own scans stay out of the way: the benchmark runs the one scan itself.
    CHASE_SCAN_EVERY_MS: '86400000',
    MAIL_CONCURRENCY: process.env.BENCH_MAIL_CONCURRENCY,
    // The worker's event processors' batch gap, to compare (README, The fence and wake-ups).
    PROCESSOR_BATCH_GAP_MS: process.env.PROCESSOR_BATCH_GAP_MS,
  };
  const config = loadConfig(env);
  const mailConcurrency = config.mail.concurrency;
  const expected = new Set<string>();
  try {
    // Set-up through the product's commands.
    const api = await NestFactory.createApplicationContext(ApiModule.forRoot(config, clock), {
      logger: ['error'],
    });
    try {
      const commands = api.get(CommandBus);
      const store = api.get(EventStore);
      const base = widePlan(AGENCIES);
      progress.phase('chase: set-up', 0);
      for (let p = 1; p <= PARTNERSHIPS; p++) {
        const plan = planForPartnership(base, p);
        const partnershipId = plan.partnership.id;
        const actor = {
          id: `coordinator@${partnershipId}.example.org`,
          role: 'coordinator' as const,
          partnershipId,
        };
        await importPlan(store, plan, {
          actorId: actor.id,
          actorRole: 'coordinator',
          correlationId: randomUUID(),
        });
        const cycleId = scopedCycleId(partnershipId, 'q3');
        const envelope = { actor, correlationId: randomUUID() };
        await commands.execute(
          new DraftCycleCommand(envelope, {
            cycleId,
            partnershipId,
            planId: plan.plan.id,
            label: 'Quarter 3 2026/27',
            periodStart: '2026-07-01',
            periodEnd: '2026-09-30',
            dueDate: DUE_DATE,
          }),
        );
        await commands.execute(new OpenCycleCommand(envelope, cycleId));
        for (const a of plan.agencies)
          expected.add(a.contacts.find((c) => c.role === 'lead')!.email.toLowerCase());
        progress.count('chase: set-up (plans, cycles opened through the command bus)', p, PARTNERSHIPS);
      }
    } finally {
      await api.close();
    }
    // The links' mails of the set-up are not what is measured: the relay starts after the set-up's events, and
    // so does the reporting processor (the report is not what this measures; its jobs were skipped the same way).
    await dataSource.query(
      `INSERT INTO processor_checkpoints (name, transaction_id, global_position)
       SELECT p.name, e.transaction_id, e.global_position
       FROM (VALUES ('outbox-relay'), ('reporting')) AS p(name),
         (SELECT transaction_id, global_position FROM events
          ORDER BY transaction_id DESC, global_position DESC LIMIT 1) AS e
       ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
         global_position = EXCLUDED.global_position`,
    );
    progress.done(
      `chase: ${fmt(PARTNERSHIPS)} partnerships, ${fmt(expected.size)} overdue agency lead contacts`,
    );

    clock.set(CHASE_AT);
    const worker = await startWorker(config, { clock, relayPollIntervalMs: RELAY_POLL_MS });
    const others: ChildServer[] = [];
    try {
      for (let w = 1; w < WORKERS; w++) {
        progress.phase(`chase: worker process ${w + 1} of ${WORKERS} starting`, 0);
        others.push(await startClockedWorker(env, CHASE_AT));
      }
      // The scan reads the return-status read model: let the worker's projection catch up first.
      progress.phase('chase: return-status read model catching up', 0);
      const returns = PARTNERSHIPS * AGENCIES;
      const deadline = Date.now() + 300_000;
      for (;;) {
        const [{ n }] = await dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM return_status WHERE status = 'requested'`,
        );
        if (n >= returns) break;
        if (Date.now() > deadline) throw new Error(`return_status holds ${n} of ${returns} returns`);
        await new Promise((r) => setTimeout(r, 200));
      }
      sink.reset();
      progress.phase(`chase: scan, ${fmt(expected.size)} chases and digests`, 0);
      const t0 = performance.now();
      // CPU of this process (worker and sink) over the fan-out: steadier than mails/s on a shared machine.
      const cpu0 = process.cpuUsage();
      const othersCpu0 = others.map((o) => processCpuMs(o.pid));
      const { chases } = await worker.get(ChaseScanner).run();
      if (chases !== PARTNERSHIPS * AGENCIES) throw new Error(`the scan enqueued ${chases} chases`);
      const timeout = setInterval(
        () => progress.count('chase: digests delivered', sink.total, expected.size),
        500,
      );
      try {
        await sink.waitFor(expected.size, 600_000);
      } finally {
        clearInterval(timeout);
      }
      const seconds = (sink.lastAt - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const othersCpuMs = others.reduce((sum, o, i) => sum + processCpuMs(o.pid) - othersCpu0[i], 0);
      const cpuMsPerMail = ((cpu.user + cpu.system) / 1000 + othersCpuMs) / expected.size;
      const rate = expected.size / seconds;
      // Anything late (a duplicate) would arrive now.
      await new Promise((r) => setTimeout(r, 2000));
      const duplicates = sink.duplicates();
      const got = sink.recipients();
      const missing = [...expected].filter((e) => !got.has(e));
      const strangers = [...got].filter((e) => !expected.has(e));
      if (duplicates.length || missing.length || strangers.length || sink.total !== expected.size) {
        throw new Error(
          `chase digests: ${sink.total} mails for ${expected.size} contacts; duplicates ${duplicates.slice(0, 3).join(', ')}` +
            ` (${duplicates.length}); missing ${missing.slice(0, 3).join(', ')} (${missing.length}); ` +
            `unexpected ${strangers.slice(0, 3).join(', ')} (${strangers.length})`,
        );
      }
      const meanBytes = Math.round(sink.bytes / sink.total);
      progress.done(
        `chase: ${fmt(expected.size)} digests in ${seconds.toFixed(1)} s (${fmt(rate)} mails/s), ~${fmt(meanBytes)} bytes each, ` +
          `${fmt(cpuMsPerMail, 2)} ms of ${WORKERS > 1 ? `the ${WORKERS} workers' (and the sink's)` : "this process's"} CPU a mail; ` +
          'checked: one per lead contact, none missing, none to anyone else',
      );
      await worker.close();
      await Promise.all(others.map((o) => o.stop()));

      // Baseline: the same number of mails of the same size, straight through nodemailer.
      sink.reset();
      const body = 'x'.repeat(Math.max(0, meanBytes - 400));
      const transport = createTransport(smtpUrl);
      const recipients = [...expected];
      let next = 0;
      progress.phase(`chase baseline: ${fmt(recipients.length)} mails straight through nodemailer`, 0);
      const b0 = performance.now();
      const baselineCpu0 = process.cpuUsage();
      await Promise.all(
        Array.from({ length: mailConcurrency }, async () => {
          while (next < recipients.length) {
            const to = recipients[next++];
            await transport.sendMail({ from: config.mailFrom, to, subject: 'Baseline digest', text: body });
          }
        }),
      );
      await sink.waitFor(recipients.length, 60_000);
      const baseline = recipients.length / ((sink.lastAt - b0) / 1000);
      const baselineCpu = process.cpuUsage(baselineCpu0);
      const baselineCpuMsPerMail = (baselineCpu.user + baselineCpu.system) / 1000 / recipients.length;
      transport.close();
      progress.done(
        `chase baseline: ${fmt(baseline)} mails/s, ${fmt(baselineCpuMsPerMail, 2)} ms of this process's CPU a mail`,
      );
      return [
        figure({
          bench: 'chase',
          scenario:
            `${fmt(expected.size)} overdue contacts, digests to SMTP` +
            (WORKERS > 1 ? `, ${WORKERS} worker processes` : ''),
          unit: 'mails/s',
          value: rate,
          baseline: { name: 'nodemailer loop', value: baseline },
          target: `>= ${TARGET} mails/s`,
          met: rate >= TARGET,
          note: 'no duplicate, none missing (checked)',
          detail: {
            partnerships: PARTNERSHIPS,
            agencies: AGENCIES,
            seconds,
            meanBytes,
            cpuMsPerMail,
            baselineCpuMsPerMail,
            mailConcurrency,
            workers: WORKERS,
            smtpConnections: SMTP_CONNECTIONS,
          },
        }),
      ];
    } finally {
      await worker.close().catch(() => undefined);
      await Promise.all(others.map((o) => o.stop().catch(() => undefined)));
    }
  } finally {
    await sink.stop();
    await deleteQueueKeys(config.redisUrl, config.queuePrefix);
  }
}
