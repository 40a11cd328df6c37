import { zonedInstant, addDays, chaseStreamId } from '../libs/chasing/src/index.js';
import { FixedClock } from '../libs/kernel/src/index.js';
import { AuthService } from '../libs/auth/src/index.js';
import { ChaseScanner } from '../apps/worker/src/chasing.processor.js';
import { ReturnStatusProjection } from '../apps/worker/src/return-status.service.js';
import { startWorker } from '../apps/worker/src/main.js';
import { Queue } from 'bullmq';
import { bullConnection, CHASING_JOBS, QUEUES } from '../libs/queues/src/index.js';
import { CaughtMail } from './support/smtp-sink.js';
import { as, eventually, http, importSevenoaks, Product, STAFF, startProduct } from './support/product.js';
import { untilQuiet } from './support/processors.js';

const CHASE = /Reminder:|Due today:|Overdue:|still overdue|Please send/;
const LEADS = {
  csp: 'priya.shah@example.org',
  hat: 'laura.whitfield@example.org',
  kcc: 'samuel.adeyemi@example.org',
  lcpg: 'chloe.bennett@example.org',
  dc1: 'hannah.okafor@example.org',
  dc2: 'daniel.pryce@example.org',
};
const KCC_SENIOR = 'fiona.marsh@example.org';
const submission = { rag: 'green', narrative: 'On track.', dot: 'improving', comments: 'Fine' };
const at10 = (date: string) => zonedInstant(date, '10:00', 'Europe/London');

/**
 * Chasing on the real PostgreSQL, Redis and an SMTP server, with the clock moved through a whole cycle: each
 * day the scheduler's scan runs (called directly), and the mails that arrive are compared with the policy.
 */
describe('chasing (e2e)', () => {
  const clock = new FixedClock(new Date('2020-03-02T10:00:00Z'));
  let product: Product;
  let call: ReturnType<typeof http>;
  const chaseMails = () => product.smtp.mails.filter((m) => CHASE.test(m.subject));

  beforeAll(async () => {
    product = await startProduct('chasing', clock, {
      MAIL_RATE_PER_MINUTE: '60000',
      MAIL_RETRY_DELAY_MS: '100',
      MAIL_ATTEMPTS: '3',
      JOB_LOCK_MS: '2000',
      MAIL_CLAIM_LEASE_MS: '2000',
    });
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(() => product.stop());

  async function openCycle(cycleId: string, measureRefs: string[], dueDate: string, openedAt: Date) {
    clock.set(openedAt);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: `Cycle ${cycleId}`,
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate,
      cycleId,
    });
    expect(drafted.status).toBe(201);
    expect((await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs })).status).toBe(200);
    // The cycle's id is scoped to the partnership; the name alone served the URL above.
    return drafted.body.id as string;
  }

  /** An agency lead signed in now (link sessions last hours, and the clock moves by weeks). */
  async function lead(agencyId: string, email: string) {
    const session = await product.api.get(AuthService).createLinkSession({
      linkId: `test-${agencyId}`,
      partnershipId: 'sevenoaks-lsp',
      cycleId: null,
      agencyId,
      contactEmail: email,
    });
    // A session cookie writes only from the service's own origin.
    return { cookie: `pr_session=${session}`, origin: product.baseUrl };
  }

  /** Runs the scan as the Job Scheduler would, and waits until the mails it causes have all arrived. */
  async function scanAndSettle(expected: number): Promise<void> {
    await product.worker.get(ChaseScanner).run();
    await eventually(async () => chaseMails().length >= expected, 10_000);
    // Nothing more may follow: once the worker is quiet, anything owed would have arrived.
    await untilQuiet(product);
    expect(chaseMails()).toHaveLength(expected);
  }

  it('sends exactly the planned chases to the right people on the right days, through a whole cycle', async () => {
    const cycleId = await openCycle(
      'y1',
      ['S1', 'S2', 'H1', 'D4', 'C3', 'G1'],
      '2020-04-21',
      at10('2020-03-02'),
    );
    await eventually(async () => product.smtp.mails.length >= 6); // the opening mails with the links
    product.smtp.mails.length = 0;

    const schedule = await call('GET', `/cycles/${cycleId}/chase-schedule`, as.coordinator);
    expect(schedule.status).toBe(200);
    expect(schedule.body.steps.map((s: { date: string; kind: string }) => `${s.date} ${s.kind}`)).toEqual([
      '2020-04-03 reminder',
      '2020-04-16 reminder',
      '2020-04-21 due',
      '2020-04-28 overdue',
      '2020-05-05 overdue',
      '2020-05-13 escalation',
      '2020-05-20 overdue',
    ]);
    expect(schedule.body.steps[0]).toMatchObject({ sendFrom: '2020-04-03T08:00:00.000Z' });

    // What happens along the way, by day (before that day's scan at 10:00 London time).
    const events: Record<string, () => Promise<void>> = {
      '2020-04-10': async () => {
        const withdrawn = await call('POST', `/returns/${cycleId}.C3/withdraw`, as.coordinator, {
          reason: 'Measure dropped',
        });
        expect(withdrawn.status).toBe(200);
      },
      '2020-04-17': async () => {
        for (const ref of ['S1', 'S2']) {
          expect(
            (
              await call(
                'POST',
                `/returns/${cycleId}.${ref}/submit`,
                await lead('sevenoaks-csp', LEADS.csp),
                submission,
              )
            ).status,
          ).toBe(200);
        }
      },
      '2020-04-20': async () => {
        const extended = await call(
          'POST',
          `/cycles/${cycleId}/agencies/sevenoaks-hat/extend`,
          as.coordinator,
          {
            dueDate: '2020-05-12',
            reason: 'Data late from the NHS',
          },
        );
        expect(extended.status).toBe(200);
      },
      '2020-04-21': async () => {
        clock.set(zonedInstant('2020-04-21', '09:30', 'Europe/London'));
        expect(
          (
            await call(
              'POST',
              `/returns/${cycleId}.G1/submit`,
              await lead('sevenoaks-dc', LEADS.dc1),
              submission,
            )
          ).status,
        ).toBe(200);
      },
      '2020-05-20': async () => {
        clock.set(zonedInstant('2020-05-20', '08:00', 'Europe/London'));
        expect(
          (
            await call(
              'POST',
              `/returns/${cycleId}.H1/submit`,
              await lead('sevenoaks-hat', LEADS.hat),
              submission,
            )
          ).status,
        ).toBe(200);
      },
    };
    const everyone = [LEADS.csp, LEADS.hat, LEADS.kcc, LEADS.lcpg, LEADS.dc1, LEADS.dc2];
    const expected: Record<string, string[]> = {
      '2020-04-03': everyone,
      '2020-04-16': [LEADS.csp, LEADS.hat, LEADS.kcc, LEADS.dc1, LEADS.dc2],
      '2020-04-21': [LEADS.kcc],
      '2020-04-27': [LEADS.hat],
      '2020-04-28': [LEADS.kcc],
      '2020-05-05': [LEADS.kcc],
      '2020-05-06': [LEADS.hat],
      '2020-05-12': [LEADS.hat],
      '2020-05-13': [LEADS.kcc, KCC_SENIOR, STAFF.coordinator],
      '2020-05-19': [LEADS.hat],
      '2020-05-20': [LEADS.kcc],
    };

    const byDay: Record<string, string[]> = {};
    let total = 0;
    for (let day = '2020-03-03'; day <= '2020-05-22'; day = addDays(day, 1)) {
      await events[day]?.();
      // Before the window opens nothing goes, even on a day with a step.
      clock.set(zonedInstant(day, '07:00', 'Europe/London'));
      await product.worker.get(ChaseScanner).run();
      clock.set(at10(day));
      const before = chaseMails().length;
      total += expected[day]?.length ?? 0;
      await scanAndSettle(total);
      const today = chaseMails().slice(before);
      if (today.length > 0) byDay[day] = today.flatMap((m: CaughtMail) => m.to).sort();
    }
    expect(byDay).toEqual(Object.fromEntries(Object.entries(expected).map(([d, to]) => [d, [...to].sort()])));

    const kcc = chaseMails().filter((m) => m.to.includes(LEADS.kcc));
    expect(kcc.map((m) => m.subject.replace(/^.*?: /, '').split(':')[0])).toEqual([
      'Reminder',
      'Reminder',
      'Due today',
      'Overdue',
      'Overdue',
      'Overdue',
      'Overdue',
    ]);
    const digest = kcc[0];
    expect(digest.text).toContain('D4');
    expect(digest.text).toContain('not started; due Tuesday 21 April 2020');
    expect(digest.text).toMatch(/\/l\/[A-Za-z0-9_-]{43}/);
    expect(digest.html).toContain('<strong>D4</strong>');
    const dc = chaseMails().filter((m) => m.to.includes(LEADS.dc1));
    expect(dc[0].text).toContain('G1');
    const escalation = chaseMails().find((m) => m.to.includes(KCC_SENIOR))!;
    expect(escalation.subject).toContain('still overdue');
    expect(escalation.text).toContain('Kent County Council');
    expect(escalation.text).not.toMatch(/\/l\//);

    const chases = await call('GET', `/cycles/${cycleId}/chases`, as.coordinator);
    expect(chases.status).toBe(200);
    const sent = chases.body.chases.flatMap(
      (c: { recipients: { state: string; messageId: string }[] }) => c.recipients,
    );
    expect(sent).toHaveLength(total);
    expect(sent.every((r: { state: string; messageId: string }) => r.state === 'sent' && r.messageId)).toBe(
      true,
    );
    expect((await call('GET', `/cycles/${cycleId}/chases`, as.reviewer)).status).toBe(403);
  });

  /** Waits for the relay to have turned every AgencyChased of the cycle into mail jobs that are all finished. */
  async function chaseRecords(cycleId: string) {
    return (await call('GET', `/cycles/${cycleId}/chases`, as.coordinator)).body.chases as {
      agencyId: string;
      step: string;
      recipients: {
        email: string;
        state: string;
        messageId: string | null;
        reason: string | null;
        responseCode: number | null;
      }[];
    }[];
  }

  it('mails the agency at once when a return is sent back, with the reason; submissions go to the theme’s reviewers', async () => {
    const cycleId = await openCycle('notices', ['S1'], '2020-07-31', new Date('2020-06-01T10:00:00Z'));
    await eventually(async () => product.smtp.mails.some((m) => m.subject.includes('Cycle notices')));
    // Both choose to hear of each submission at once (a digest waits for its hour to close).
    for (const reviewer of [as.reviewer, as.reviewer2])
      expect((await call('PUT', '/me/mail-preferences', reviewer, { delivery: 'at-once' })).status).toBe(200);
    // Raj reviews the caring theme only; Rita has no themes, so reviews them all.
    const themes = await call('PUT', `/staff/${STAFF.reviewer2}/themes`, as.coordinator, {
      themeIds: ['caring-communities'],
    });
    expect(themes.status).toBe(200);
    expect(
      (await call('PUT', `/staff/${STAFF.reviewer2}/themes`, as.reviewer, { themeIds: [] })).status,
    ).toBe(403);

    const csp = await lead('sevenoaks-csp', LEADS.csp);
    expect((await call('POST', `/returns/${cycleId}.S1/submit`, csp, submission)).status).toBe(200);
    const submitted = await eventually(async () =>
      product.smtp.mails.find((m) => m.subject.includes('has submitted S1 for Cycle notices')),
    );
    expect(submitted.to).toEqual([STAFF.reviewer]);
    expect(submitted.text).toContain('Safe Communities');

    const reason = 'Figures for <Q4> are missing & the target is unclear';
    expect((await call('POST', `/returns/${cycleId}.S1/send-back`, as.reviewer, { reason })).status).toBe(
      200,
    );
    const sentBack = await eventually(async () =>
      product.smtp.mails.find(
        (m) => m.subject.includes('needs changes') && m.subject.includes('Cycle notices'),
      ),
    );
    expect(sentBack.to).toEqual([LEADS.csp]);
    expect(sentBack.text).toContain(reason);
    // By when: the return's due date, still ahead on the day it was sent back.
    expect(sentBack.text).toContain('submit it again by Friday 31 July 2020.');
    expect(sentBack.html).toContain('Figures for &lt;Q4&gt; are missing &amp; the target is unclear');
    expect(sentBack.text).toMatch(/\/l\/[A-Za-z0-9_-]{43}/);
    await untilQuiet(product);
    expect(
      product.smtp.mails.filter((m) => m.subject.includes('has submitted S1 for Cycle notices')),
    ).toHaveLength(1);
    await call('PUT', `/staff/${STAFF.reviewer2}/themes`, as.coordinator, { themeIds: [] });
  });

  it('chases now on request; retries a 421 and sends once; records a 550 and does not retry it', async () => {
    const cycleId = await openCycle('delivery', ['S1', 'D4'], '2020-12-31', new Date('2020-06-01T10:00:00Z'));
    await eventually(
      async () => product.smtp.mails.filter((m) => m.subject.includes('Cycle delivery')).length >= 2,
    );
    const offered = (to: string) =>
      product.smtp.offered.filter(
        (m) => m.to.includes(to) && CHASE.test(m.subject) && m.subject.includes('Cycle delivery'),
      );
    product.smtp.respond = (mail) => {
      if (!CHASE.test(mail.subject)) return null;
      if (mail.to.includes(LEADS.kcc)) return { code: 550, message: 'No such user here' };
      if (mail.to.includes(LEADS.csp) && offered(LEADS.csp).length === 1) {
        return { code: 421, message: 'Try again later' };
      }
      return null;
    };
    try {
      expect((await call('POST', `/cycles/${cycleId}/chase`, as.reviewer)).status).toBe(403);
      expect(
        (await call('POST', `/cycles/${cycleId}/agencies/sevenoaks-hat/chase`, as.coordinator)).status,
      ).toBe(404);
      const chased = await call('POST', `/cycles/${cycleId}/chase`, as.coordinator);
      expect(chased.status).toBe(202);
      expect(chased.body.chased.map((c: { agencyId: string }) => c.agencyId)).toEqual([
        'kent-cc',
        'sevenoaks-csp',
      ]);

      const records = await eventually(async () => {
        const r = await chaseRecords(cycleId);
        const states = r.flatMap((c) => c.recipients.map((x) => x.state));
        return states.length === 2 && states.every((x) => x === 'sent' || x === 'failed') ? r : null;
      });
      const csp = records.find((c) => c.agencyId === 'sevenoaks-csp')!.recipients[0];
      const kcc = records.find((c) => c.agencyId === 'kent-cc')!.recipients[0];
      expect(csp).toMatchObject({ email: LEADS.csp, state: 'sent' });
      expect(csp.messageId).toMatch(/^<.+>$/);
      expect(kcc).toMatchObject({ email: LEADS.kcc, state: 'failed', responseCode: 550 });
      expect(kcc.reason).toContain('No such user here');
      await untilQuiet(product); // every retry has run, and the 550 was not retried
      expect(offered(LEADS.csp)).toHaveLength(2);
      expect(
        chaseMails().filter((m) => m.to.includes(LEADS.csp) && m.subject.includes('Cycle delivery')),
      ).toHaveLength(1);
      expect(offered(LEADS.kcc)).toHaveLength(1);
      const trail = await product.store.readStream(chaseStreamId(cycleId, 'sevenoaks-csp'));
      expect(trail.map((e) => e.type)).toEqual([
        'ChaseRequested',
        'AgencyChased',
        'ReminderClaimed',
        'ReminderDeliveryFailed',
        'ReminderClaimed',
        'ReminderSent',
      ]);
      expect(trail[1].metadata).toMatchObject({ actorRole: 'system' });
      expect(trail[0].metadata).toMatchObject({ actorId: STAFF.coordinator, actorRole: 'coordinator' });
      const failed = await product.store.readStream(chaseStreamId(cycleId, 'kent-cc'));
      expect(failed.map((e) => e.type).slice(-1)).toEqual(['ReminderDeliveryFailed']);
      expect(failed[failed.length - 1].data).toMatchObject({
        permanent: true,
        willRetry: false,
        responseCode: 550,
      });
    } finally {
      product.smtp.respond = null;
    }
  });

  it('two workers at once, each given every mail job twice, send each mail once', async () => {
    const cycleId = await openCycle(
      'racing',
      ['S1', 'G1', 'C3', 'H1', 'D4', 'Sus4'],
      '2020-12-31',
      new Date('2020-06-01T10:00:00Z'),
    );
    await eventually(
      async () => product.smtp.mails.filter((m) => m.subject.includes('Cycle racing')).length >= 7,
    );
    const second = await startWorker(product.config, { clock, relayPollIntervalMs: 25 });
    const mailQueue = new Queue(QUEUES.mail, {
      connection: bullConnection(product.config.redisUrl),
      prefix: product.config.queuePrefix,
    });
    product.smtp.delayMs = 50;
    try {
      const chased = await call('POST', `/cycles/${cycleId}/chase`, as.coordinator);
      expect(chased.body.chased).toHaveLength(6);
      // Duplicates under other ids, as a scan and the relay racing (or a Redis that lost its job ids) would make.
      for (const { agencyId, step } of chased.body.chased as { agencyId: string; step: string }[]) {
        const recorded = await eventually(async () =>
          (await product.store.readStream(chaseStreamId(cycleId, agencyId))).find(
            (e) => e.type === 'AgencyChased',
          ),
        );
        for (const r of (recorded.data as { recipients: { email: string }[] }).recipients) {
          for (const copy of ['a', 'b']) {
            await mailQueue.add(
              CHASING_JOBS.chaseMail,
              { cycleId, agencyId, step, recipient: r.email },
              { jobId: `dup-${copy}.${cycleId}.${agencyId}.${r.email}` },
            );
          }
        }
      }
      const mine = () => chaseMails().filter((m) => m.subject.includes('Cycle racing'));
      await eventually(async () => mine().length >= 7);
      await untilQuiet(product);
      const to = mine()
        .flatMap((m) => m.to)
        .sort();
      expect(to).toEqual([...new Set(to)]);
      expect(to).toHaveLength(7);
    } finally {
      product.smtp.delayMs = 0;
      await mailQueue.close();
      await second.close();
    }
  });

  it('shows the queues to coordinators only', async () => {
    expect((await fetch(`${product.baseUrl}/admin/queues`)).status).toBe(401);
    expect((await fetch(`${product.baseUrl}/admin/queues`, { headers: as.reviewer })).status).toBe(403);
    expect((await fetch(`${product.baseUrl}/admin/queues`, { headers: as.viewer })).status).toBe(403);
    const page = await fetch(`${product.baseUrl}/admin/queues`, { headers: as.coordinator });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('__UI_CONFIG__');
    const queues = await fetch(`${product.baseUrl}/admin/queues/api/queues`, { headers: as.coordinator });
    expect(queues.status).toBe(200);
    const names = ((await queues.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual(['chasing', 'mail', 'reporting']);
  });

  it('rebuilds the return-status read model from the events alone', async () => {
    const snapshot = async () =>
      Promise.all(
        [
          'SELECT * FROM chase_cycles ORDER BY cycle_id',
          'SELECT * FROM return_status ORDER BY return_id',
          'SELECT * FROM chase_steps ORDER BY cycle_id, agency_id, step',
          'SELECT * FROM chase_mails ORDER BY cycle_id, agency_id, step, recipient',
        ].map((sql) => product.db.dataSource.query(sql)),
      );
    const projection = product.worker.get(ReturnStatusProjection);
    // Caught up first (the processor's own loop stopped, so the two never share its connection).
    await projection.processor.stop();
    await projection.processor.drain();
    const before = await snapshot();
    expect(before[1].length).toBeGreaterThan(10);
    expect(await projection.rebuild()).toBeGreaterThan(0);
    expect(await snapshot()).toEqual(before);
  });

  it('takes a chase policy when a cycle is drafted, fills in the defaults and plans by it', async () => {
    const draft = (cycleId: string, chasePolicy: object) =>
      call('POST', '/cycles', as.coordinator, {
        partnershipId: 'sevenoaks-lsp',
        planId: 'community-plan-2019-22',
        label: `Policy ${cycleId}`,
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2020-04-21',
        cycleId,
        chasePolicy,
      });
    const drafted = await draft('policy', { remindWorkingDaysBefore: [5], sendWindow: { from: '08:30' } });
    expect(drafted.status).toBe(201);
    const schedule = await call('GET', '/cycles/policy/chase-schedule', as.coordinator);
    expect(schedule.body.policy).toEqual({
      remindWorkingDaysBefore: [5],
      onDueDate: true,
      overdueEveryWorkingDays: 5,
      escalateAfterOverdueChases: 2,
      sendWindow: { from: '08:30', to: '17:00', timeZone: 'Europe/London' },
    });
    expect(schedule.body.steps[0]).toMatchObject({
      date: '2020-04-14', // five working days before Tuesday 21 April
      kind: 'reminder',
      sendFrom: '2020-04-14T07:30:00.000Z', // 08:30 in British Summer Time
    });
    expect(
      (await call('GET', '/cycles/policy/chase-schedule', await lead('sevenoaks-csp', LEADS.csp))).status,
    ).toBe(403); // staff only

    const badShape = await draft('policy-2', { overdueEveryWorkingDays: 'weekly' });
    expect(badShape.status).toBe(400);
    expect(badShape.body.errors[0].field).toContain('overdueEveryWorkingDays');
    const backwards = await draft('policy-3', { sendWindow: { from: '17:00', to: '09:00' } });
    expect(backwards.status).toBe(422);
    expect(backwards.body).toMatchObject({ code: 'invalid-chase-policy' });
  });
});
