import { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QueryRunner } from 'typeorm';
import { startWorker } from '../apps/worker/src/main.js';
import { RETENTION_JOB, RETENTION_SCHEDULER_ID } from '../apps/worker/src/retention.schedule.js';
import { PersonalKeys } from '../libs/event-store/src/index.js';
import { importPlan } from '../libs/plan/src/index.js';
import { bullConnection, deleteQueueKeys, QUEUES } from '../libs/queues/src/index.js';
import { RetentionRun } from '../libs/returns/src/index.js';
import { logDigest } from '../scripts/log-digest.js';
import { logVerify } from '../scripts/log-verify.js';
import { pdfFile } from './support/evidence-files.js';
import { multipartBody, MULTIPART_TYPE } from './support/multipart.js';
import { untilQuiet } from './support/processors.js';
import { openCycle } from './support/reporting.js';
import { as, eventually, http, Product, sevenoaksPlan, startProduct } from './support/product.js';
import { runScript } from './support/run-script.js';
import { untilEventsVisible } from './support/test-database.js';
import { FileClock, setSharedClock } from './support/shared-clock.js';
import { kill, spawnWorker } from './support/worker-process.js';

const DAY = 24 * 60 * 60 * 1000;
const CLOCKED = join(__dirname, 'support/clocked-process.ts');

/**
 * An operator's probe of the nightly retention run: the worker, in its own process, killed outright (SIGKILL)
 * while it is part way through forgetting the contacts due, then a worker started again and the run let through.
 * Every contact due is forgotten exactly once, the evidence due goes, each publication naming them is re-issued
 * once per person, nothing not due is touched, the log verifies and no mail goes twice. Twice over: with Redis
 * emptied (the job in hand gone with it: the next night's run finishes the work), and with Redis kept, where
 * nothing is added by hand: the job the killed worker held is taken up again once its lock lapses and BullMQ's
 * stalled check finds it (JOB_LOCK_MS, 3 s here: about a minute with the defaults). And killed twice in a row,
 * Redis kept: killed mid-run, the run taken up again by the worker started next, and that worker killed mid-run
 * too, before a third finishes it.
 */
describe.each([
  { redis: 'emptied', emptied: true, kills: 1 },
  { redis: 'kept', emptied: false, kills: 1 },
  { redis: 'kept', emptied: false, kills: 2 },
])(
  'retention run through a worker crash, Redis $redis, killed $kills time(s) (e2e)',
  ({ emptied, kills }) => {
    const dir = mkdtempSync(join(tmpdir(), 'retention-crash-clock-'));
    const clockFile = join(dir, 'clock');
    setSharedClock(clockFile, new Date());
    // The chase scans stay out of the way: only the retention run is under test. A job the killed worker held is
    // taken up after its lock (JOB_LOCK_MS) and the next stalled check: 3 s here, not BullMQ's 30 s and 30 s.
    const env = { CHASE_SCAN_EVERY_MS: '86400000', JOB_LOCK_MS: '3000' };
    let product: Product;
    let call: ReturnType<typeof http>;
    let child: ChildProcess | null = null;
    let restarted: INestApplicationContext | null = null;
    let lock: QueryRunner | null = null;
    let cycleId: string;
    const plan = sevenoaksPlan();
    const contacts = plan.agencies.flatMap((a) => a.contacts.map((c) => ({ ...c, agencyId: a.id })));
    // Every agency's senior contact but three leaves the plan; the leads (Priya writes the return) stay.
    const kept = new Set([
      'tom.greaves@example.org',
      'michael.harding@example.org',
      'graham.leigh@example.org',
    ]);
    const leaving = contacts.filter((c) => c.role === 'senior' && !kept.has(c.email));
    const staying = contacts.filter((c) => !leaving.includes(c));

    const count = async (sql: string, params: unknown[] = []) =>
      ((await product.db.dataSource.query(sql, params)) as { n: number }[])[0].n;
    const forgotten = () => count(`SELECT count(*)::int AS n FROM events WHERE type = 'PersonForgotten'`);

    beforeAll(async () => {
      product = await startProduct('retention_crash', new FileClock(clockFile), env);
      await importPlan(product.store, plan, {
        actorId: 'test',
        actorRole: 'coordinator',
        correlationId: 'test-import',
      });
      call = http(product.baseUrl);
      cycleId = await openCycle(
        call,
        as.coordinator,
        {
          cycleId: 'retention-crash',
          label: 'Year 1 2019/20',
          periodStart: '2019-04-01',
          periodEnd: '2020-03-31',
          dueDate: '2030-04-30',
        },
        ['S1'],
      );
      const s1 = `${cycleId}.S1`;
      const lead = as.lead('sevenoaks-csp');
      // The published report names everyone leaving, and one who stays.
      const narrative = `On track. Ask ${[...leaving, staying[0]].map((c) => c.email).join(', ')}.`;
      expect(
        (await call('PUT', `/returns/${s1}/draft`, lead, { rag: 'green', narrative, dot: 'improving' }))
          .status,
      ).toBe(200);
      const upload = await fetch(`${product.baseUrl}/returns/${s1}/evidence`, {
        method: 'POST',
        headers: { ...lead, 'content-type': MULTIPART_TYPE },
        body: multipartBody({}, { fileName: 'sheet.pdf', type: 'application/pdf', content: await pdfFile() }),
      });
      expect(upload.status).toBe(201);
      expect((await call('POST', `/returns/${s1}/submit`, lead)).status).toBe(200);
      expect((await call('POST', `/returns/${s1}/approve`, as.reviewer)).status).toBe(200);
      expect((await call('POST', `/cycles/${cycleId}/close`, as.coordinator, {})).status).toBe(200);
      await eventually(async () => {
        const report = await call('GET', `/cycles/${cycleId}/report`, as.coordinator);
        return JSON.stringify(report.body).includes('On track') ? report : null;
      });
      expect((await call('POST', `/cycles/${cycleId}/publish`, as.coordinator)).status).toBe(201);
      await importPlan(
        product.store,
        {
          ...plan,
          agencies: plan.agencies.map((a) => ({
            ...a,
            contacts: a.contacts.filter((c) => !leaving.some((l) => l.email === c.email)),
          })),
        },
        { actorId: 'test', actorRole: 'coordinator', correlationId: 'test-reimport' },
      );
      const periods = { contactMonths: 1, mailDays: 1, sessionDays: 1, evidenceYears: 1 };
      expect((await call('PUT', '/partnership/retention', as.coordinator, periods)).status).toBe(200);
      await eventually(async () =>
        (await count(`SELECT count(*)::int AS n FROM report_cycles WHERE closed_at IS NOT NULL`)) === 1
          ? true
          : null,
      );
      await untilQuiet(product);
    }, 120_000);
    afterAll(async () => {
      if (child) await kill(child);
      if (lock?.isTransactionActive) await lock.rollbackTransaction();
      await lock?.release();
      await restarted?.close();
      await product.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('forgets each contact due once, deletes the evidence, re-issues once each, when killed mid-run', async () => {
      setSharedClock(clockFile, new Date(Date.now() + 400 * DAY));
      const now = new FileClock(clockFile).now();
      const due = await product.worker.get(RetentionRun).dryRun('sevenoaks-lsp', now);
      expect(due.contacts.map((c) => c.email).sort()).toEqual(leaving.map((c) => c.email).sort());
      expect(due.evidence).toHaveLength(1);
      // The log as it stands, to verify against afterwards: every row kept, only appended to.
      await untilEventsVisible(product.db.dataSource);
      const digest = await runScript(logDigest, { DATABASE_URL: product.db.url }, ['--checkpoint']);
      expect(digest.code).toBe(0);
      const mailsBefore = product.smtp.mails.length;
      const publishedBefore = await count(`SELECT count(*)::int AS n FROM published_reports`);
      expect(publishedBefore).toBe(1);

      // The fourth person due is held, by a row lock on their key, so the kill lands with three forgotten, the
      // fourth's forgetting begun (its PersonForgotten appended, not committed) and two not started. Killed twice,
      // the fifth is held for the second kill: the run taken up again forgets the fourth and waits on the fifth.
      const keys = new PersonalKeys();
      expect(due.contacts.length).toBeGreaterThan(3 + kills);
      const hold = async (index: number) => {
        const held = await keys.personOf(product.db.dataSource, due.contacts[index].email);
        expect(held).toBeTruthy();
        lock = product.db.dataSource.createQueryRunner();
        await lock.connect();
        await lock.startTransaction();
        await lock.query(`SELECT 1 FROM personal_keys WHERE person_id = $1 FOR UPDATE`, [held]);
      };

      // From here on only the worker in its own process runs; the night's job comes due.
      await product.worker.close();
      const chasing = new Queue(QUEUES.chasing, {
        connection: bullConnection(product.config.redisUrl),
        prefix: product.config.queuePrefix,
      });
      try {
        await chasing.add(RETENTION_JOB, {}, { removeOnComplete: 30, removeOnFail: 100 });
        for (let k = 0; k < kills; k++) {
          // Killed a second time: the job the first held is taken up by this worker once its lock lapses.
          await hold(3 + k);
          child = spawnWorker(product.config, { ...env, TEST_CLOCK_FILE: clockFile }, [CLOCKED, 'worker']);
          // A worker process starting on a loaded machine takes a while: 30 s was not always enough at load 15.
          await eventually(async () => {
            const [{ n }] = await product.db.dataSource.query(
              `SELECT count(*)::int AS n FROM pg_stat_activity
             WHERE datname = current_database() AND wait_event_type = 'Lock'`,
            );
            // A run that failed outright will not get there: say why rather than wait out the time.
            const [failed] = await chasing.getFailed();
            if (failed) throw new Error(`the retention run failed: ${failed.failedReason}`);
            return n > 0 && (await forgotten()) === 3 + k;
          }, 90_000);
          await kill(child);
          child = null;
          await lock!.rollbackTransaction();
          await lock!.release();
          lock = null;
          expect(await forgotten()).toBe(3 + k);
          expect(await count(`SELECT count(*)::int AS n FROM events WHERE type = 'EvidenceRemoved'`)).toBe(0);
        }

        // Redis comes back empty: the job in hand is gone with it. A worker started again puts the schedule back,
        // and the next night's run (added here as the schedule would) finishes what the killed one began.
        if (emptied) await deleteQueueKeys(product.config.redisUrl, product.config.queuePrefix);
        restarted = await startWorker(product.config, {
          clock: new FileClock(clockFile),
          relayPollIntervalMs: 25,
        });
        await eventually(async () => (await chasing.getJobScheduler(RETENTION_SCHEDULER_ID)) ?? null);
        if (emptied) await chasing.add(RETENTION_JOB, {}, { removeOnComplete: 30, removeOnFail: 100 });
        await eventually(
          async () => {
            // A run BullMQ gave up on will not get there: say why rather than wait out the time.
            const [failed] = await chasing.getFailed();
            if (failed) throw new Error(`the retention run failed: ${failed.failedReason}`);
            return (
              (await forgotten()) === leaving.length &&
              (await count(`SELECT count(*)::int AS n FROM events WHERE type = 'EvidenceRemoved'`)) === 1
            );
          },
          // Redis kept: the lock's 3 s and the stalled check's 1.5 s, with room for a busy machine (20 s and 30 s
          // ran out at load average 18).
          emptied ? 60_000 : 90_000,
        );
        await untilQuiet(product);
      } finally {
        await chasing.close();
      }

      // One PersonForgotten each, by the system for the retention period; their keys gone, the others' kept.
      const events: { stream_id: string; reason: string; role: string }[] = await product.db.dataSource.query(
        `SELECT stream_id, data->>'reason' AS reason, metadata->>'actorRole' AS role FROM events
       WHERE type = 'PersonForgotten'`,
      );
      expect(events).toHaveLength(leaving.length);
      expect(new Set(events.map((e) => e.stream_id)).size).toBe(leaving.length);
      for (const e of events) expect(e).toMatchObject({ reason: 'Retention period', role: 'system' });
      expect(await count(`SELECT count(*)::int AS n FROM personal_keys WHERE erased_at IS NOT NULL`)).toBe(
        leaving.length,
      );
      for (const c of staying) expect(await keys.personOf(product.db.dataSource, c.email)).toBeTruthy();
      for (const c of leaving) expect(await keys.personOf(product.db.dataSource, c.email)).toBeNull();

      // The evidence's bytes are gone once; its hash stays.
      expect(await count(`SELECT count(*)::int AS n FROM evidence_objects`)).toBe(0);
      expect(await count(`SELECT count(*)::int AS n FROM events WHERE type = 'EvidenceRemoved'`)).toBe(1);

      // The publication re-issued once per person forgotten, none of them in the one kept, the one staying there.
      const publications: { body: string | null }[] = await product.db.dataSource.query(
        `SELECT body FROM published_reports WHERE cycle_id = $1 ORDER BY publication`,
        [cycleId],
      );
      expect(publications).toHaveLength(1 + leaving.length);
      const live = publications.filter((p) => p.body !== null);
      expect(live).toHaveLength(1);
      for (const c of leaving) expect(live[0].body!.toLowerCase()).not.toContain(c.email);
      expect(live[0].body).toContain(staying[0].email);
      expect(await count(`SELECT count(*)::int AS n FROM events WHERE type = 'ReportPublished'`)).toBe(
        1 + leaving.length,
      );

      // Another run finds nothing left; the log verifies; no mail went twice.
      expect(await restarted.get(RetentionRun).run(now)).toEqual({
        forgotten: 0,
        evidenceDeleted: 0,
        rows: 0,
      });
      expect(
        await runScript(logVerify, { DATABASE_URL: product.db.url }, ['--digest', digest.out]),
      ).toMatchObject({ code: 0 });
      const sent = product.smtp.mails.slice(mailsBefore).map((m) => `${m.to.join(',')} ${m.subject}`);
      expect(new Set(sent).size).toBe(sent.length);
    }, 300_000);
  },
);
