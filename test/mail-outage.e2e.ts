import { chaseStreamId } from '../libs/chasing/src/index.js';
import { FixedClock } from '../libs/kernel/src/index.js';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { openCycle } from './support/reporting.js';

const LEAD = 'priya.shah@example.org'; // sevenoaks-csp, the lead of S1 and S2
const CHASE = /Reminder:|Due today:|Overdue:|still overdue|Please send/;

/**
 * An SMTP server away for longer than a mail's run of tries (MAIL_ATTEMPTS with backoff). The mail stays owed, and
 * goes once the server answers again, until it has been owed for MAIL_GIVE_UP_AFTER_MS: only then is a temporary
 * failure the last word. An operator's probe saw every mail owed through a long outage recorded as failed for
 * good after its tries, and never sent when the server was back.
 */
describe('mail through an SMTP outage (e2e)', () => {
  const clock = new FixedClock(new Date('2020-06-01T10:00:00Z'));
  let product: Product;
  let call: ReturnType<typeof http>;
  const offered = (subject: string) =>
    product.smtp.offered.filter((m) => CHASE.test(m.subject) && m.subject.includes(subject));
  const delivered = (subject: string) =>
    product.smtp.mails.filter((m) => CHASE.test(m.subject) && m.subject.includes(subject));
  const failures = async (cycleId: string) =>
    (await product.store.readStream(chaseStreamId(cycleId, 'sevenoaks-csp')))
      .filter((e) => e.type === 'ReminderDeliveryFailed')
      .map((e) => (e.data as { willRetry: boolean }).willRetry);

  beforeAll(async () => {
    product = await startProduct('mail_outage', clock, {
      MAIL_RATE_PER_MINUTE: '60000',
      // Two tries a run, 10 ms apart, and a reconciliation every 300 ms: an outage of a few runs takes a second.
      MAIL_ATTEMPTS: '2',
      MAIL_RETRY_DELAY_MS: '10',
      MAIL_RECONCILE_EVERY_MS: '300',
      JOB_LOCK_MS: '2000',
      MAIL_CLAIM_LEASE_MS: '2000',
    });
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(() => product.stop());

  async function chaseDuringOutage(label: string, measure: string): Promise<string> {
    const cycleId = await openCycle(
      call,
      as.coordinator,
      { cycleId: label, label, periodStart: '2019-04-01', periodEnd: '2020-03-31', dueDate: '2020-12-31' },
      [measure],
    );
    await eventually(async () => product.smtp.mails.some((m) => m.subject.includes(label)));
    const chased = await call('POST', `/cycles/${cycleId}/chase`, as.coordinator);
    expect(chased.status).toBe(202);
    return cycleId;
  }

  it('keeps a mail owed through more failed runs than one, and sends it once the server answers', async () => {
    let refused = 0;
    product.smtp.respond = (mail) => {
      if (!CHASE.test(mail.subject) || !mail.subject.includes('outage-short')) return null;
      // Three runs of two tries each: the reconciler has started the mail's job again twice.
      if (refused < 6) {
        refused += 1;
        return { code: 451, message: 'Local error in processing' };
      }
      return null;
    };
    try {
      const cycleId = await chaseDuringOutage('outage-short', 'S1');
      await eventually(async () => delivered('outage-short').length === 1, 30_000);
      expect(refused).toBe(6);
      expect(delivered('outage-short')[0].to).toEqual([LEAD]);
      expect(await failures(cycleId)).toEqual([true, true, true, true, true, true]);
      // Nothing owed any more: no run after the one that sent it.
      await new Promise((r) => setTimeout(r, 1_000));
      expect(offered('outage-short')).toHaveLength(7);
      const [{ owed }] = await product.db.dataSource.query(
        `SELECT count(*)::int AS owed FROM owed_mails WHERE settled_at IS NULL`,
      );
      expect(owed).toBe(0);
    } finally {
      product.smtp.respond = null;
    }
  });

  it('gives a mail up as failed for good once it has been owed for MAIL_GIVE_UP_AFTER_MS (3 days)', async () => {
    product.smtp.respond = (mail) =>
      CHASE.test(mail.subject) && mail.subject.includes('outage-long')
        ? { code: 451, message: 'Local error in processing' }
        : null;
    try {
      const cycleId = await chaseDuringOutage('outage-long', 'S2');
      // A few runs fail and are retried, then the mail is made three days old, as if the outage had lasted that long.
      await eventually(async () => offered('outage-long').length >= 4, 30_000);
      await product.db.dataSource.query(
        `UPDATE owed_mails SET owed_at = owed_at - interval '3 days 1 minute' WHERE settled_at IS NULL`,
      );
      await eventually(async () => (await failures(cycleId)).at(-1) === false, 30_000);
      // The row is settled just after that event is appended, by the job that appended it.
      const outcome = await eventually(async () => {
        const [row] = await product.db.dataSource.query(
          `SELECT outcome FROM owed_mails
           WHERE job_name LIKE 'chase%' AND job_data::text LIKE '%' || $1 || '%' AND settled_at IS NOT NULL`,
          [cycleId],
        );
        return (row?.outcome as string | undefined) ?? null;
      });
      expect(outcome).toMatch(/failed/);
      // Settled: reconciliation leaves it alone from now on.
      const tries = offered('outage-long').length;
      await new Promise((r) => setTimeout(r, 1_500));
      expect(offered('outage-long')).toHaveLength(tries);
      expect(delivered('outage-long')).toHaveLength(0);
    } finally {
      product.smtp.respond = null;
    }
  });
});
