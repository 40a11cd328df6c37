import { zonedInstant } from '../libs/chasing/src/calendar/send-window.js';
import { addDays } from '../libs/chasing/src/calendar/working-days.js';
import { FixedClock } from '../libs/config/src/index.js';
import { AuthService } from '../libs/auth/src/index.js';
import { ChaseScanner } from '../apps/worker/src/chasing.processor.js';
import { CaughtMail } from './support/smtp-sink.js';
import { as, eventually, http, importSevenoaks, Product, STAFF, startProduct } from './support/product.js';

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
    return cycleId;
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
    return { cookie: `pr_session=${session}` };
  }

  /** Runs the scan as the Job Scheduler would, and waits until the mails it causes have all arrived. */
  async function scanAndSettle(expected: number): Promise<void> {
    await product.worker.get(ChaseScanner).run();
    await eventually(async () => chaseMails().length >= expected, 10_000);
    // Nothing more may follow: give stragglers a moment to show themselves.
    await new Promise((r) => setTimeout(r, 150));
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
});
