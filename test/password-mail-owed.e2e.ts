import { ChildProcess } from 'node:child_process';
import { INestApplicationContext } from '@nestjs/common';
import { startWorker } from '../apps/worker/src/main.js';
import { ResetRequests } from '../libs/auth/src/index.js';
import { deleteQueueKeys } from '../libs/queues/src/index.js';
import { spawnApi } from './support/api-process.js';
import { postPageForm } from './support/page-form.js';
import { as, eventually, importSevenoaks, Product, STAFF, startProduct } from './support/product.js';
import { kill, spawnWorker } from './support/worker-process.js';

/** A sender that dies holding a mail lets it go soon, so the test need not wait out the default lease. */
const QUICK_LEASES = { MAIL_CLAIM_LEASE_MS: '1500', JOB_LOCK_MS: '1500', RESET_REQUEST_GRACE_MS: '1500' };

/**
 * Invitations and password resets were mailed by the api once the token's transaction had committed: an api
 * killed between the commit and the send lost the mail (the coordinator was told an invitation was on its way;
 * nobody got it), and Redis held no job for the reconciler to find again. They are now owed as every other mail
 * is: a PasswordLinkIssued event commits with the token, the relay records the job in owed_mails, and the worker
 * sends it once through the mail ledger.
 */
describe('invitation and reset mails, owed durably (e2e)', () => {
  let product: Product;
  let child: ChildProcess | null = null;
  let restarted: INestApplicationContext | null = null;

  beforeAll(async () => {
    product = await startProduct('password_mail_owed', undefined, QUICK_LEASES);
    await importSevenoaks(product.store);
  }, 120_000);
  afterAll(async () => {
    product?.smtp.release();
    if (child) await kill(child);
    await restarted?.close();
    await product?.stop();
  });

  const mailsTo = (email: string) => product.smtp.mails.filter((m) => m.to.includes(email));
  const query = <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
    product.db.dataSource.query(sql, params);

  const invite = (baseUrl: string, name: string, email: string) =>
    postPageForm(baseUrl, {
      from: '/coordinate/staff/invite',
      headers: as.coordinator,
      fields: { name, email, role: 'viewer' },
    });
  const askReset = (baseUrl: string, email: string) =>
    postPageForm(baseUrl, { from: '/account/forgot-password', headers: {}, fields: { email } });

  /** Unused tokens of the account committed so far. */
  const unusedTokens = async (email: string, purpose: string) =>
    (
      await query<{ n: number }>(
        `SELECT count(*)::int AS n FROM password_tokens t JOIN staff_accounts a USING (staff_id)
          WHERE a.email = $1 AND t.purpose = $2 AND t.used_at IS NULL`,
        [email, purpose],
      )
    )[0].n;

  /** Waits for the `count`th mail to `email`, then a while longer: no more come. The newest one's link. */
  async function mailedOnce(email: string, count: number, subject: RegExp): Promise<string> {
    await eventually(async () => mailsTo(email).length >= count || undefined, 30_000);
    await new Promise((r) => setTimeout(r, 2_000));
    const mails = mailsTo(email);
    expect(mails).toHaveLength(count);
    const mail = mails[count - 1];
    expect(mail.subject).toMatch(subject);
    const token = /\/account\/set-password\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
    if (!token) throw new Error('no set-password link in the mail');
    return `/account/set-password/${token}`;
  }

  /** The link opens the set-password form, for the account it was mailed to. */
  async function expectWorks(link: string, email: string) {
    const opened = await fetch(`${product.baseUrl}${link}`, { redirect: 'manual' });
    expect(opened.status).toBe(303);
    const cookie = opened.headers
      .getSetCookie()
      .find((c) => c.startsWith('pr_set_password='))
      ?.split(';')[0];
    expect(cookie).toBeDefined();
    const page = await fetch(`${product.baseUrl}/account/set-password`, { headers: { cookie: cookie! } });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('name="password"');
    expect(html).toContain(email);
  }

  it('mails an invitation and a reset once each, from the worker, owed in owed_mails, with working links and no token at rest', async () => {
    const email = 'ola.owed@sevenoaks.example.org';
    expect((await invite(product.baseUrl, 'Ola Owed', email)).status).toBe(303);
    const invited = await mailedOnce(email, 1, /set up your account/);
    await expectWorks(invited, email);
    expect((await askReset(product.baseUrl, email)).status).toBe(200);
    const reset = await mailedOnce(email, 2, /reset your password/);
    await expectWorks(reset, email);

    // Each owed under its own job, settled as sent; the job, its row and the event name the token's id only.
    const owed = await query<{ job_data: { tokenId: string }; outcome: string }>(
      `SELECT job_data, outcome FROM owed_mails WHERE job_name = 'password-mail' ORDER BY event_position`,
    );
    expect(owed).toHaveLength(2);
    for (const row of owed) {
      expect(Object.keys(row.job_data).sort()).toEqual(['eventPosition', 'tokenId']);
      expect(JSON.parse(row.outcome)).toMatchObject({ outcome: 'sent' });
    }
    const tokens = [invited, reset].map((link) => link.split('/').pop()!);
    const atRest = JSON.stringify([
      owed,
      await query(`SELECT data, metadata FROM events`),
      await query(`SELECT token_hash, token_id FROM password_tokens`),
    ]);
    for (const token of tokens) expect(atRest).not.toContain(token);
    // The new event is one every processor of the log takes in its stride.
    expect(await query(`SELECT processor, global_position FROM parked_events`)).toEqual([]);
    expect(await query(`SELECT processor, global_position FROM skipped_events`)).toEqual([]);
  }, 120_000);

  it('still mails an invitation and a reset once each when the api is killed (SIGKILL) right after the commit', async () => {
    const email = 'kit.killed@sevenoaks.example.org';
    const killedAfterCommit = async (
      post: (baseUrl: string) => Promise<unknown>,
      committed: () => Promise<boolean>,
    ) => {
      const spawned = await spawnApi(product.config, QUICK_LEASES);
      child = spawned.child;
      // The mail server answers nothing, so a mail the api sends itself cannot have gone before the kill.
      product.smtp.hold();
      try {
        const answer = post(spawned.baseUrl).catch(() => null);
        await eventually(async () => (await committed()) || undefined, 30_000);
        await kill(child);
        child = null;
        await answer;
      } finally {
        product.smtp.release();
      }
    };

    await killedAfterCommit(
      (baseUrl) => invite(baseUrl, 'Kit Killed', email),
      async () => (await unusedTokens(email, 'invite')) === 1,
    );
    const invited = await mailedOnce(email, 1, /set up your account/);
    await expectWorks(invited, email);

    await killedAfterCommit(
      (baseUrl) => askReset(baseUrl, email),
      async () => (await unusedTokens(email, 'reset')) === 1,
    );
    const reset = await mailedOnce(email, 2, /reset your password/);
    await expectWorks(reset, email);
  }, 600_000);

  it('mails once when Redis is emptied after the worker that held the mail was killed: the reconciler owes it again', async () => {
    const email = STAFF.viewer;
    const before = mailsTo(email).length;
    const owedRow = async () =>
      (
        await query<{ job_id: string }>(
          `SELECT o.job_id FROM owed_mails o JOIN password_tokens t ON t.token_id::text = o.job_data->>'tokenId'
             JOIN staff_accounts a USING (staff_id)
            WHERE a.email = $1 AND o.settled_at IS NULL`,
          [email],
        )
      )[0];
    // The product's worker gives way to one in a process of its own, which takes the mail and is killed sending it.
    await product.worker.close();
    child = spawnWorker(product.config, QUICK_LEASES);
    product.smtp.hold();
    try {
      const answer = askReset(product.baseUrl, email);
      expect((await answer).status).toBe(200);
      await eventually(async () => (await owedRow()) ?? undefined, 180_000);
      await eventually(
        async () => product.smtp.offered.some((m) => m.to.includes(email)) || undefined,
        60_000,
      );
      await kill(child);
      child = null;
      await deleteQueueKeys(product.config.redisUrl, product.config.queuePrefix);
    } finally {
      product.smtp.release();
    }
    expect(mailsTo(email)).toHaveLength(before);

    // A worker started on the emptied Redis: its reconciler puts the owed job back, and the mail goes once.
    restarted = await startWorker(product.config, { relayPollIntervalMs: 25 });
    const reset = await mailedOnce(email, before + 1, /reset your password/);
    await expectWorks(reset, email);
    await eventually(async () => ((await owedRow()) ? undefined : true), 30_000);
  }, 600_000);

  it('mails a reset once when the api is killed (SIGKILL) after answering the request and before issuing it', async () => {
    const email = 'rhys.requested@sevenoaks.example.org';
    expect((await invite(product.baseUrl, 'Rhys Requested', email)).status).toBe(303);
    await expectWorks(await mailedOnce(email, 1, /set up your account/), email);
    const spawned = await spawnApi(product.config, { ...QUICK_LEASES, RESET_HELD_AFTER_ANSWER: '1' });
    child = spawned.child;
    expect((await askReset(spawned.baseUrl, email)).status).toBe(200);
    // Answered, owed, not issued: the api is killed where it used to lose the request without a trace.
    const owed = await query<{ email_hmac: string }>(`SELECT email_hmac FROM reset_requests`);
    expect(owed).toHaveLength(1);
    expect(JSON.stringify(owed)).not.toContain('rhys');
    expect(await unusedTokens(email, 'reset')).toBe(0);
    await kill(child);
    child = null;

    // The product's worker takes it up once the grace has passed: one mail, a working link, and the row gone.
    const reset = await mailedOnce(email, 2, /reset your password/);
    await expectWorks(reset, email);
    expect(await unusedTokens(email, 'reset')).toBe(1);
    expect(await query(`SELECT request_id FROM reset_requests`)).toEqual([]);
  }, 600_000);

  it('issues a request once when two take it at the same time, and an unknown address leaves nothing behind', async () => {
    const email = 'tam.twice@sevenoaks.example.org';
    expect((await invite(product.baseUrl, 'Tam Twice', email)).status).toBe(303);
    await mailedOnce(email, 1, /set up your account/);
    const requests = new ResetRequests(product.db.dataSource, product.store, product.config.tokenPepper);
    const issuedEvents = async () =>
      (
        await query<{ n: number }>(
          `SELECT count(*)::int AS n FROM events WHERE type = 'PasswordLinkIssued' AND data->>'purpose' = 'reset'`,
        )
      )[0].n;
    const before = await issuedEvents();
    const requestId = await requests.record(` ${email.toUpperCase()} `);
    const taken = await Promise.all([
      requests.issue(requestId, new Date()),
      requests.issue(requestId, new Date()),
    ]);
    expect(taken.sort()).toEqual([1, null].sort());
    expect(await requests.issue(requestId, new Date())).toBeNull();
    expect((await issuedEvents()) - before).toBe(1);
    expect(await unusedTokens(email, 'reset')).toBe(1);
    await mailedOnce(email, 2, /reset your password/);

    const unknown = await requests.record('nobody.here@sevenoaks.example.org');
    expect(await requests.issue(unknown, new Date())).toBe(0);
    expect(await query(`SELECT request_id FROM reset_requests`)).toEqual([]);
    expect((await issuedEvents()) - before).toBe(1);
  }, 120_000);
});
