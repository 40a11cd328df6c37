import { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { startWorker } from '../apps/worker/src/main.js';
import { ChaseScanner } from '../apps/worker/src/chasing.processor.js';
import { AGENCIES_PER_CHASE_JOB, zonedInstant } from '../libs/chasing/src/index.js';
import { importPlan, PlanFile } from '../libs/plan/src/index.js';
import { bullConnection, CHASING_JOBS, deleteQueueKeys, QUEUES } from '../libs/queues/src/index.js';
import { MAIL_CRASH_ENV } from './support/mail-crash.js';
import { untilQuiet } from './support/processors.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from './support/product.js';
import { openCycle } from './support/reporting.js';
import { FileClock, setSharedClock } from './support/shared-clock.js';
import { kill, spawnWorker } from './support/worker-process.js';

const CLOCKED = join(__dirname, 'support/clocked-process.ts');
/** Measures of several agencies: none is ever sent, so every one of the agencies is escalated at the same step. */
const MEASURES = ['S1', 'G1', 'C3', 'H1', 'D4'];
const PLAN = sevenoaksPlan();
/** The agencies of MEASURES, as the plan names them, with their senior contacts. */
const AGENCIES = [
  ...new Set(
    PLAN.themes.flatMap((t) => t.measures.filter((m) => MEASURES.includes(m.ref)).map((m) => m.leadAgency)),
  ),
].map((id) => PLAN.agencies.find((a) => a.id === id)!);
const SENIORS = AGENCIES.flatMap((a) => a.contacts.filter((c) => c.role === 'senior').map((c) => c.email));
const at10 = (date: string) => zonedInstant(date, '10:00', 'Europe/London');
/** More agencies than one chase job records, so a scan records a step's escalations in two commits. */
const WIDE = AGENCIES_PER_CHASE_JOB + 20;

/** The other partnership of the test's staff (olga coordinates it): WIDE agencies, each owning one measure. */
function widePlan(): PlanFile {
  const ids = Array.from({ length: WIDE }, (_, i) => `agency-${i + 1}`);
  const theme = PLAN.themes[0];
  return {
    ...PLAN,
    partnership: { id: 'other-lsp', name: 'Other LSP' },
    plan: { ...PLAN.plan, id: 'wide-plan' },
    agencies: ids.map((id, i) => ({
      id,
      name: `Partner agency ${i + 1}`,
      contacts: [
        { name: `Lead ${i + 1}`, email: `lead@${id}.example.org`, role: 'lead' as const },
        { name: `Senior ${i + 1}`, email: `senior@${id}.example.org`, role: 'senior' as const },
      ],
    })),
    themes: [
      {
        ...theme,
        leadAgencies: [ids[0]],
        measures: ids.map((agency, n) => ({
          ref: `W${n + 1}`,
          text: `Measure of ${agency}`,
          leadAgency: agency,
        })),
      },
    ],
  };
}

/**
 * A coordinator hears of an escalation step once for all the agencies escalated at it, not once per agency (an
 * operator's probe: 40 overdue agencies, 40 mails to the coordinator at once). The mail goes once with two
 * workers and duplicate jobs, with Redis emptied, and with the worker killed while the SMTP server holds it.
 */
describe('escalation mail to the coordinator (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'escalation-clock-'));
  const clockFile = join(dir, 'clock');
  setSharedClock(clockFile, at10('2020-03-02'));
  // The scheduler's own scans stay out of the way (each test runs the scans it means): one that came late on a
  // loaded machine, with the shared clock already at a later test's step, escalated that test's agencies early.
  const env = { ...MAIL_CRASH_ENV, MAIL_RATE_PER_MINUTE: '60000', CHASE_SCAN_EVERY_MS: '86400000' };
  let product: Product;
  let call: ReturnType<typeof http>;
  let worker: INestApplicationContext;
  let child: ChildProcess | null = null;
  const cycles: Record<string, { id: string; escalation: string }> = {};

  const toCoordinator = (label: string, mails = product.smtp.mails) =>
    mails.filter(
      (m) => m.to.includes(STAFF.coordinator) && m.subject.includes(label) && /still overdue/.test(m.subject),
    );

  beforeAll(async () => {
    product = await startProduct('escalation', new FileClock(clockFile), env);
    worker = product.worker;
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    // Two cycles due a week apart, so each is escalated on a day of its own.
    for (const [name, dueDate] of [
      ['esc-one', '2020-04-21'],
      ['esc-two', '2020-04-28'],
      // Escalated after the wide cycle, for the last test.
      ['esc-late', '2020-09-01'],
    ]) {
      const id = await openCycle(
        call,
        as.coordinator,
        {
          cycleId: name,
          label: `Cycle ${name}`,
          periodStart: '2019-04-01',
          periodEnd: '2020-03-31',
          dueDate,
        },
        MEASURES,
      );
      const schedule = await call('GET', `/cycles/${encodeURIComponent(id)}/chase-schedule`, as.coordinator);
      const step = (schedule.body.steps as { date: string; kind: string }[]).find(
        (s) => s.kind === 'escalation',
      )!;
      cycles[name] = { id, escalation: step.date };
    }
    // Due later than the others' escalations, so their scans chase none of it.
    await importPlan(product.store, widePlan(), {
      actorId: 'test',
      actorRole: 'coordinator',
      correlationId: 'wide-import',
    });
    const drafted = await call('POST', '/cycles', as.otherCoordinator, {
      partnershipId: 'other-lsp',
      planId: 'wide-plan',
      label: 'Cycle wide',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2020-06-30',
      cycleId: 'wide',
    });
    expect(drafted.status).toBe(201);
    const wide = drafted.body.id as string;
    expect(
      (await call('POST', `/cycles/${encodeURIComponent(wide)}/open`, as.otherCoordinator, {})).status,
    ).toBe(200);
    const schedule = await call(
      'GET',
      `/cycles/${encodeURIComponent(wide)}/chase-schedule`,
      as.otherCoordinator,
    );
    const step = (schedule.body.steps as { date: string; kind: string }[]).find(
      (s) => s.kind === 'escalation',
    )!;
    cycles.wide = { id: wide, escalation: step.date };
    // The opening mails with the links. Under load (another suite's worth of work on 2 cores) the crash set-up's
    // short job locks are lost and the mails retried, which has taken past a minute.
    await eventually(async () => product.smtp.mails.length >= 12 + WIDE, 150_000);
  }, 180_000);
  afterAll(async () => {
    if (child) await kill(child);
    await worker.close();
    await product.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the coordinator one mail for all the agencies escalated at a step, once with two workers and duplicate jobs', async () => {
    const { id, escalation } = cycles['esc-one'];
    const second = await startWorker(product.config, {
      clock: new FileClock(clockFile),
      relayPollIntervalMs: 25,
    });
    const mailQueue = new Queue(QUEUES.mail, {
      connection: bullConnection(product.config.redisUrl),
      prefix: product.config.queuePrefix,
    });
    product.smtp.delayMs = 50;
    try {
      setSharedClock(clockFile, at10(escalation));
      // Both workers scan, and the coordinator's job is also queued twice under other ids, as a scan and the relay
      // racing (or a Redis that lost its job ids) would.
      await Promise.all([worker.get(ChaseScanner).run(), second.get(ChaseScanner).run()]);
      for (const copy of ['a', 'b']) {
        await mailQueue.add(
          CHASING_JOBS.escalationMail,
          { cycleId: id, step: escalation, recipient: STAFF.coordinator },
          { jobId: `dup-${copy}.${escalation}` },
        );
      }
      await eventually(async () => toCoordinator('Cycle esc-one').length >= 1, 20_000);
      await untilQuiet(product);
    } finally {
      product.smtp.delayMs = 0;
      await mailQueue.close();
      await second.close();
    }
    const [mail, ...more] = toCoordinator('Cycle esc-one');
    expect(more).toHaveLength(0);
    expect(mail.subject).toBe(
      `${PLAN.partnership.name}: ${AGENCIES.length} agencies' returns for Cycle esc-one are still overdue`,
    );
    for (const { name } of AGENCIES) expect(mail.text).toContain(name);
    for (const ref of MEASURES) expect(mail.text).toMatch(new RegExp(`^  ${ref}  `, 'm'));
    // Each agency's page in the cycle, which the coordinator can open.
    const links = mail.text.match(/http\S+\/coordinate\/cycles\/\S+\/agencies\/\S+/g) ?? [];
    expect(links).toHaveLength(AGENCIES.length);
    const page = await fetch(links[0]!.replace(product.config.publicBaseUrl, product.baseUrl), {
      headers: as.coordinator,
    });
    expect(page.status).toBe(200);

    // The agencies' own people still hear of their agency's chase: each lead an overdue mail, each senior contact
    // an escalation of their agency.
    const seniors = product.smtp.mails.filter(
      (m) => m.subject.includes('Cycle esc-one') && /'s returns for .* are still overdue$/.test(m.subject),
    );
    expect(seniors.flatMap((m) => m.to).sort()).toEqual([...SENIORS].sort());
    // Each agency still records its escalation, naming the coordinator; the chase log shows their mail sent.
    const log = await call('GET', `/cycles/${encodeURIComponent(id)}/chases`, as.coordinator);
    const coordinatorRows = (
      log.body.chases as { step: string; recipients: { email: string; state: string; messageId: string }[] }[]
    )
      .filter((c) => c.step === escalation)
      .flatMap((c) => c.recipients.filter((r) => r.email === STAFF.coordinator));
    expect(coordinatorRows).toHaveLength(AGENCIES.length);
    expect(new Set(coordinatorRows.map((r) => `${r.state} ${r.messageId}`)).size).toBe(1);
    expect(coordinatorRows[0].state).toBe('sent');
    const [{ n }] = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE type = 'ReturnEscalated' AND stream_id LIKE $1`,
      [`chase:${id}:%`],
    );
    expect(n).toBe(AGENCIES.length);
  });

  it('sends it no second time once Redis is emptied and every job is derived again', async () => {
    const { id } = cycles['esc-one'];
    await worker.close();
    await deleteQueueKeys(product.config.redisUrl, product.config.queuePrefix);
    // As if the worker had died before settling the rows: reconciliation puts the jobs back.
    const [unsettled] = await product.db.dataSource.query(
      `UPDATE owed_mails SET settled_at = NULL, outcome = NULL WHERE job_id LIKE $1 RETURNING job_id`,
      [`escalation-mail.${id}.%`],
    );
    expect(unsettled).toHaveLength(1);
    worker = await startWorker(product.config, { clock: new FileClock(clockFile), relayPollIntervalMs: 25 });
    await worker.get(ChaseScanner).run();
    await eventually(async () => {
      const [{ n }] = await product.db.dataSource.query(
        `SELECT count(*)::int AS n FROM owed_mails WHERE job_id LIKE $1 AND settled_at IS NULL`,
        [`escalation-mail.${id}.%`],
      );
      return n === 0;
    }, 20_000);
    await untilQuiet(product);
    expect(toCoordinator('Cycle esc-one')).toHaveLength(1);
    const [{ n }] = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE type = 'ReminderSent' AND stream_id = $1`,
      [`escalations:${id}`],
    );
    expect(n).toBe(1);
  });

  it('sends it once when the worker is killed while the SMTP server holds it', async () => {
    const { escalation } = cycles['esc-two'];
    // From here on only a worker in its own process runs (on the shared clock), scanning by itself.
    await worker.close();
    const clocked = { ...env, TEST_CLOCK_FILE: clockFile, CHASE_SCAN_EVERY_MS: '1000' };
    child = spawnWorker(product.config, clocked, [CLOCKED, 'worker']);
    // Slow enough that the kill lands well before the server answers (a kill after its 250 is the one window
    // the ledger documents as able to send twice).
    product.smtp.delayMs = 3_000;
    setSharedClock(clockFile, at10(escalation));
    const held = () =>
      toCoordinator('Cycle esc-two', product.smtp.offered).filter(
        (m) => !product.smtp.mails.includes(m) && Date.now() - (m.receivedAt ?? 0) < 1_500,
      );
    // A worker process starting on a loaded machine takes a while: 30 s ran out at load average 18.
    await eventually(async () => held().length > 0, 90_000);
    await kill(child);
    child = null;
    expect(toCoordinator('Cycle esc-two')).toHaveLength(0);

    product.smtp.delayMs = 0;
    worker = await startWorker(product.config, { clock: new FileClock(clockFile), relayPollIntervalMs: 25 });
    await worker.get(ChaseScanner).run();
    // The killed worker's claim on the mail runs out first: on a loaded machine that took more than 20 s.
    await eventually(async () => toCoordinator('Cycle esc-two').length >= 1, 60_000);
    // A scan the killed worker was running stays "active" until this worker's stalled check takes it back, once
    // its lock (JOB_LOCK_MS, 1.5 s here) lapses; the bound leaves room for a loaded machine.
    await untilQuiet(product, 60_000);
    const mails = toCoordinator('Cycle esc-two');
    expect(mails).toHaveLength(1);
    for (const { name } of AGENCIES) expect(mails[0].text).toContain(name);
  }, 240_000);

  it('lists every one of more agencies than one chase job records, escalated at one step', async () => {
    const { escalation } = cycles.wide;
    setSharedClock(clockFile, at10(escalation));
    await worker.get(ChaseScanner).run();
    const olga = () =>
      product.smtp.mails.filter(
        (m) => m.to.includes(STAFF.otherCoordinator) && /still overdue/.test(m.subject),
      );
    await eventually(async () => olga().length >= 1, 60_000);
    await untilQuiet(product);
    const [mail, ...more] = olga();
    expect(more).toHaveLength(0);
    expect(mail.subject).toBe(`Other LSP: ${WIDE} agencies' returns for Cycle wide are still overdue`);
    const listed = mail.text.match(/^Partner agency \d+ \(due /gm) ?? [];
    expect(listed).toHaveLength(WIDE);
    // Each agency's own people heard of it too: its lead an overdue mail, its senior contact an escalation.
    const others = product.smtp.mails.filter(
      (m) => m.subject.includes('Cycle wide') && !m.to.includes(STAFF.otherCoordinator),
    );
    expect(others.filter((m) => m.to[0].startsWith('senior@'))).toHaveLength(WIDE);
  }, 120_000);

  it('tells the coordinator in one follow-up of the agencies escalated at the step after its mail went, naming none twice', async () => {
    const { id, escalation } = cycles['esc-late'];
    const [early, ...late] = AGENCIES;
    const chasing = new Queue(QUEUES.chasing, {
      connection: bullConnection(product.config.redisUrl),
      prefix: product.config.queuePrefix,
    });
    const escalated = async () => {
      const [{ n }] = await product.db.dataSource.query(
        `SELECT count(*)::int AS n FROM events WHERE type = 'AgencyChased' AND stream_id LIKE $1
           AND data->>'step' = $2`,
        [`chase:${id}:%`, escalation],
      );
      return n as number;
    };
    try {
      setSharedClock(clockFile, at10(escalation));
      // A scan's first job records one agency; its other job fails and runs again only after the mail's wait for
      // the step's other agencies is over (as a job retried with backoff would).
      await chasing.add(CHASING_JOBS.chaseAgencies, {
        cycleId: id,
        chases: [{ agencyId: early.id, step: escalation, kind: 'escalation' }],
      });
      await eventually(async () => (await escalated()) === 1, 20_000);
      setSharedClock(clockFile, zonedInstant(escalation, '10:11', 'Europe/London'));
      await eventually(async () => toCoordinator('Cycle esc-late').length >= 1, 20_000);
      const [first] = toCoordinator('Cycle esc-late');
      expect(first.subject).toBe(
        `${PLAN.partnership.name}: 1 agency's returns for Cycle esc-late are still overdue`,
      );
      expect(first.text).toContain(early.name);

      // The rest are recorded now; a scan finds their coordinator's rows unsent and owes the follow-up.
      await worker.get(ChaseScanner).run();
      await eventually(async () => (await escalated()) === AGENCIES.length, 20_000);
      await eventually(async () => {
        await worker.get(ChaseScanner).run();
        return toCoordinator('Cycle esc-late').length >= 2;
      }, 30_000);
      await untilQuiet(product);
    } finally {
      await chasing.close();
    }
    const [, followUp, ...more] = toCoordinator('Cycle esc-late');
    expect(more).toHaveLength(0);
    expect(followUp.subject).toBe(
      `${PLAN.partnership.name}: ${late.length} agencies' returns for Cycle esc-late are still overdue`,
    );
    for (const { name } of late) expect(followUp.text).toContain(name);
    expect(followUp.text).not.toContain(early.name);
    expect(followUp.text).toContain('Since our earlier mail');

    // Redis emptied, the step's rows unsettled and every job derived again: no agency is named again.
    await worker.close();
    await deleteQueueKeys(product.config.redisUrl, product.config.queuePrefix);
    await product.db.dataSource.query(
      `UPDATE owed_mails SET settled_at = NULL, outcome = NULL WHERE job_id LIKE $1`,
      [`escalation-mail.${id}.%`],
    );
    worker = await startWorker(product.config, { clock: new FileClock(clockFile), relayPollIntervalMs: 25 });
    await worker.get(ChaseScanner).run();
    await eventually(async () => {
      const [{ n }] = await product.db.dataSource.query(
        `SELECT count(*)::int AS n FROM owed_mails WHERE job_id LIKE $1 AND settled_at IS NULL`,
        [`escalation-mail.${id}.%`],
      );
      return n === 0;
    }, 20_000);
    await untilQuiet(product);
    expect(toCoordinator('Cycle esc-late')).toHaveLength(2);

    // The chase log shows each agency's coordinator row sent, by the mail that named it.
    const log = await call('GET', `/cycles/${encodeURIComponent(id)}/chases`, as.coordinator);
    const rows = (
      log.body.chases as {
        agencyId: string;
        step: string;
        recipients: { email: string; state: string; messageId: string }[];
      }[]
    )
      .filter((c) => c.step === escalation)
      .flatMap((c) =>
        c.recipients
          .filter((r) => r.email === STAFF.coordinator)
          .map((r) => ({ ...r, agencyId: c.agencyId })),
      );
    expect(rows.map((r) => r.state)).toEqual(AGENCIES.map(() => 'sent'));
    const earlyId = rows.find((r) => r.agencyId === early.id)!.messageId;
    const lateIds = new Set(rows.filter((r) => r.agencyId !== early.id).map((r) => r.messageId));
    expect(lateIds.size).toBe(1);
    expect(lateIds.has(earlyId)).toBe(false);
    // And the read model the scan re-derives from says the same: nothing left unsent.
    const [{ unsent }] = await product.db.dataSource.query(
      `SELECT count(*)::int AS unsent FROM chase_mails WHERE cycle_id = $1 AND step = $2 AND role = 'coordinator'
         AND state <> 'sent'`,
      [id, escalation],
    );
    expect(unsent).toBe(0);
  }, 120_000);
});
