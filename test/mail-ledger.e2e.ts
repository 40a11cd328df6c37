import { ChildProcess } from 'node:child_process';
import { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { startWorker } from '../apps/worker/src/main.js';
import { importPlan } from '../libs/plan/src/index.js';
import { bullConnection, deleteQueueKeys, QUEUES } from '../libs/queues/src/index.js';
import { CaughtMail } from './support/smtp-sink.js';
import { as, eventually, http, Product, sevenoaksPlan, STAFF, startProduct } from './support/product.js';
import { kill, spawnWorker } from './support/worker-process.js';

const MAIL_ENV = {
  MAIL_RATE_PER_MINUTE: '100000',
  MAIL_RETRY_DELAY_MS: '100',
  MAIL_CONCURRENCY: '40',
  JOB_LOCK_MS: '1500',
  MAIL_CLAIM_LEASE_MS: '1500',
  MAIL_RECONCILE_EVERY_MS: '500',
};
const AGENCY = 'sevenoaks-csp';
/** The agency's lead and 79 more: opening a cycle on its measures mails 80 submission links. */
const LEADS = [
  'priya.shah@example.org',
  ...Array.from({ length: 79 }, (_, i) => `lead${String(i + 1).padStart(2, '0')}@csp.example.org`),
];

type Kind = 'link' | 'digest' | 'notice';
const kindOf = (label: string, mail: CaughtMail): Kind | null => {
  if (!mail.subject.includes(label)) return null;
  if (mail.subject.includes('Please send')) return 'digest';
  if (mail.subject.includes('has submitted')) return 'notice';
  if (mail.subject.includes('are due by')) return 'link';
  return null;
};

/**
 * Every mail through the one ledger, with a real worker in a process of its own: the mail jobs in Redis deleted
 * mid-run (every key of this deployment, as a Redis that comes back empty has none), and the worker killed
 * outright with 80 mails in flight.
 */
describe('mail ledger: nothing lost, nothing sent twice (e2e)', () => {
  let product: Product;
  let worker: ChildProcess | null = null;
  let restarted: INestApplicationContext | null = null;
  let call: ReturnType<typeof http>;

  beforeAll(async () => {
    product = await startProduct('mail-ledger', undefined, MAIL_ENV);
    const plan = sevenoaksPlan();
    const csp = plan.agencies.find((a) => a.id === AGENCY)!;
    csp.contacts.push(
      ...LEADS.slice(1).map((email, i) => ({ name: `Lead ${i + 1}`, email, role: 'lead' as const })),
    );
    await importPlan(product.store, plan, { actorId: 'test', actorRole: 'coordinator', correlationId: 't' });
    call = http(product.baseUrl);
    // Only the worker in its own process sends mail from here on.
    await product.worker.close();
    worker = spawnWorker(product.config, MAIL_ENV);
  });
  afterAll(async () => {
    if (worker) await kill(worker);
    await restarted?.close();
    await product.stop();
  });

  const sql = <T>(query: string, params: unknown[] = []): Promise<T[]> =>
    product.db.dataSource.query(query, params);
  const count = async (query: string, params: unknown[] = []) =>
    (await sql<{ n: number }>(query, params))[0].n;

  async function openCycle(cycleId: string): Promise<string> {
    const label = `Ledger ${cycleId}`;
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label,
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2030-04-30',
      cycleId,
    });
    expect(drafted.status).toBe(201);
    const opened = await call('POST', `/cycles/${cycleId}/open`, as.coordinator, {
      measureRefs: ['S1', 'S2'],
    });
    expect(opened.status).toBe(200);
    return label;
  }

  /** How many copies of each mail of the cycle arrived, by kind and recipient. */
  function copies(label: string, mails: CaughtMail[] = product.smtp.mails): Map<string, number> {
    const byMail = new Map<string, number>();
    for (const mail of mails) {
      const kind = kindOf(label, mail);
      if (!kind) continue;
      for (const to of mail.to) byMail.set(`${kind} ${to}`, (byMail.get(`${kind} ${to}`) ?? 0) + 1);
    }
    return byMail;
  }

  /**
   * Waits until the cycle's mails have all arrived and settled; if they do not in time, fails saying what is stuck
   * (the count of copies, the unsettled jobs with their state in BullMQ, the leases held), not only "not in time".
   */
  async function untilAllSettled(label: string, expected: number, timeoutMs: number): Promise<void> {
    try {
      await eventually(async () => copies(label).size === expected && (await settled()), timeoutMs);
    } catch {
      const unsettled = await sql<{ job_id: string; name: string }>(
        'SELECT job_id, job_name AS name FROM owed_mails WHERE settled_at IS NULL ORDER BY job_id LIMIT 10',
      );
      const queue = new Queue(QUEUES.mail, {
        connection: bullConnection(product.config.redisUrl),
        prefix: product.config.queuePrefix,
      });
      const states = await Promise.all(unsettled.map((j) => queue.getJobState(j.job_id)));
      await queue.close();
      const leases = await sql<{ mail_id: string; holder: string; expires_at: Date }>(
        'SELECT mail_id, holder, expires_at FROM mail_leases LIMIT 5',
      );
      throw new Error(
        `${copies(label).size} of ${expected} mails arrived; unsettled: ${JSON.stringify(
          unsettled.map((j, i) => `${j.job_id} (${j.name}) ${states[i]}`),
        )}; leases: ${JSON.stringify(leases)}`,
      );
    }
  }

  /** Every mail job the events owe has reached its outcome, and no sender holds a lease. */
  const settled = async () =>
    (await count('SELECT count(*)::int AS n FROM owed_mails WHERE settled_at IS NULL')) === 0 &&
    (await count('SELECT count(*)::int AS n FROM mail_leases')) === 0;

  it('sends every owed mail exactly once when Redis loses every job mid-run', async () => {
    // Both reviewers hear of the submission at once (a digest waits for its hour to close).
    for (const reviewer of [as.reviewer, as.reviewer2])
      expect((await call('PUT', '/me/mail-preferences', reviewer, { delivery: 'at-once' })).status).toBe(200);
    // The server answers nothing for now: 40 mails (the worker's concurrency) go out and wait for their 250, the
    // rest wait in Redis.
    product.smtp.hold();
    const label = await openCycle('flush');
    const lead = { cookie: as.lead(AGENCY).cookie, origin: product.baseUrl };
    const submitted = await call('POST', '/returns/flush.S1/submit', lead, {
      rag: 'green',
      narrative: 'On track.',
      dot: 'improving',
      comments: 'Fine',
    });
    expect(submitted.status).toBe(200);
    expect((await call('POST', '/cycles/flush/chase', as.coordinator)).status).toBe(202);

    // 80 link mails, a digest of the chase to each of the 80 leads, the submission's notice to both reviewers.
    const owedJobs = 80 + 80 + 1;
    const owedMails = 80 + 80 + 2;
    await eventually(
      async () => (await count('SELECT count(*)::int AS n FROM owed_mails')) === owedJobs,
      30_000,
    );
    await eventually(async () => product.smtp.offered.filter((m) => kindOf(label, m)).length >= 40, 30_000);
    expect(await count(`SELECT count(*)::int AS n FROM owed_mails WHERE settled_at IS NULL`)).toBe(owedJobs);

    expect(await deleteQueueKeys(product.config.redisUrl, product.config.queuePrefix)).toBeGreaterThan(0);
    // The mails with the server stay claimed past the first term of their senders' leases: renewed, not lapsed,
    // while reconciliation puts their jobs back on the queue.
    await eventually(
      async () =>
        (await count(
          `SELECT count(*)::int AS n FROM mail_leases l JOIN events e
             ON e.type LIKE '%Claimed' AND e.data->>'claimId' = l.holder
           WHERE l.expires_at > (e.data->>'leaseUntil')::timestamptz + interval '1500 milliseconds'`,
        )) >= 40,
      30_000,
    );
    product.smtp.release();

    await untilAllSettled(label, owedMails, 45_000);
    expect([...copies(label)].filter(([, n]) => n > 1)).toEqual([]);
    expect([...copies(label).keys()].filter((k) => k.startsWith('notice')).sort()).toEqual(
      [STAFF.reviewer2, STAFF.reviewer].map((r) => `notice ${r}`).sort(),
    );
    const recorded = await sql<{ type: string; n: number }>(
      `SELECT type, count(*)::int AS n FROM events
       WHERE type IN ('LinkMailSent', 'ReminderSent', 'NotificationSent')
         AND (stream_id LIKE 'link-mail:sevenoaks-lsp~flush:%' OR stream_id LIKE 'chase:sevenoaks-lsp~flush:%'
              OR stream_id LIKE 'notifications:sevenoaks-lsp~flush.%')
       GROUP BY type ORDER BY type`,
    );
    expect(recorded).toEqual([
      { type: 'LinkMailSent', n: 80 },
      { type: 'NotificationSent', n: 2 },
      { type: 'ReminderSent', n: 80 },
    ]);
  }, 150_000);

  it('loses no mail when the worker is killed with 80 in flight, and sends a second copy only of a mail accepted before the kill', async () => {
    product.smtp.delayMs = 400;
    const label = await openCycle('kill');
    const accepted = () => [...copies(label).values()].reduce((a, b) => a + b, 0);
    const atServer = () =>
      product.smtp.offered.filter((m) => kindOf(label, m) && !product.smtp.mails.includes(m)).length;
    await eventually(async () => accepted() >= 10 && atServer() >= 5, 30_000);

    // No 250 from here on: every mail accepted so far had its 250 before the kill, and none after it.
    const acceptedBeforeKill = copies(label, product.smtp.hold());
    const sentBeforeKill = acceptedBeforeKill.size;
    await kill(worker!);
    worker = null;
    // Claimed and not yet recorded sent or failed: the mails the worker was sending when it died.
    const unfinished = await count(
      `SELECT (count(*) FILTER (WHERE type = 'LinkMailClaimed')
               - count(*) FILTER (WHERE type IN ('LinkMailSent', 'LinkMailDeliveryFailed')))::int AS n
       FROM events WHERE stream_id LIKE 'link-mail:sevenoaks-lsp~kill:%'`,
    );
    expect(unfinished).toBeGreaterThan(0);
    // The server lets go of the killed worker's connections: what it held for them is not delivered.
    await eventually(async () => product.smtp.openSessions === 0);
    product.smtp.release();
    product.smtp.delayMs = 0;
    expect(accepted()).toBeLessThan(80);

    restarted = await startWorker(product.config, { relayPollIntervalMs: 25 });
    await untilAllSettled(label, 80, 45_000);

    const received = copies(label);
    expect([...received.keys()].sort()).toEqual(LEADS.map((to) => `link ${to}`).sort()); // none lost
    const twice = [...received].filter(([, n]) => n > 1);
    // A second copy only where the first had its 250 before the kill and the worker died before recording it.
    for (const [mail, n] of twice) {
      expect(n).toBe(2);
      expect(acceptedBeforeKill.get(mail)).toBe(1);
    }
    console.info(
      `killed with ${unfinished} link mails claimed and not recorded, ${sentBeforeKill} of 80 accepted; ` +
        `${twice.length} sent twice, each accepted before the kill`,
    );
    expect(
      await count(
        `SELECT count(*)::int AS n FROM events WHERE type = 'LinkMailSent' AND stream_id LIKE 'link-mail:sevenoaks-lsp~kill:%'`,
      ),
    ).toBe(80);
  }, 150_000);
});
