import { Queue } from 'bullmq';
import { INestApplicationContext } from '@nestjs/common';
import { ChaseScanner } from '../apps/worker/src/chasing.processor.js';
import { startWorker } from '../apps/worker/src/main.js';
import { Client } from 'pg';
import { AuthService } from '../libs/auth/src/index.js';
import { ScanForDigests } from '../libs/chasing/src/index.js';
import { FixedClock } from '../libs/kernel/src/index.js';
import { bullConnection, CHASING_JOBS, deleteQueueKeys, QUEUES } from '../libs/queues/src/index.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  STAFF,
  startProduct,
} from './support/product.js';
import { untilQuiet } from './support/processors.js';

const submission = { rag: 'green', narrative: 'On track.', dot: 'improving', comments: 'Fine' };
/** Ten returns of five agencies, two themes beyond Safe Communities. */
const TEN: [string, string, string][] = [
  ['S1', 'sevenoaks-csp', 'priya.shah@example.org'],
  ['S2', 'sevenoaks-csp', 'priya.shah@example.org'],
  ['S3', 'sevenoaks-csp', 'priya.shah@example.org'],
  ['S4', 'sevenoaks-csp', 'priya.shah@example.org'],
  ['S5', 'sevenoaks-dc', 'hannah.okafor@example.org'],
  ['C1', 'sevenoaks-dc', 'hannah.okafor@example.org'],
  ['C2', 'sevenoaks-dc', 'hannah.okafor@example.org'],
  ['C3', 'sevenoaks-lcpg', 'chloe.bennett@example.org'],
  ['H1', 'sevenoaks-hat', 'laura.whitfield@example.org'],
  ['D4', 'kent-cc', 'samuel.adeyemi@example.org'],
];
const SAM = 'sam@sevenoaks.example.org';

/**
 * Issue 14 point 4 on the real PostgreSQL, Redis and an SMTP server: ten submissions in one hour make one digest
 * per reviewer who gets digests (the default), listing every one of theirs, and ten mails for a reviewer who chose
 * "at once"; every mail says why it came and links pages, never the JSON API; the digest goes once however often
 * its job runs, Redis emptied and the worker started again included.
 */
describe('digests of submissions (e2e)', () => {
  const clock = new FixedClock(new Date('2026-12-03T10:02:00Z'));
  let product: Product;
  let call: ReturnType<typeof http>;
  let restarted: INestApplicationContext | null = null;
  const digests = (to: string) =>
    product.smtp.mails.filter((m) => m.to.includes(to) && / returns? submitted$/.test(m.subject));
  const atOnce = (to: string) =>
    product.smtp.mails.filter((m) => m.to.includes(to) && m.subject.includes('has submitted'));

  beforeAll(async () => {
    product = await startProduct('digests', clock, {
      MAIL_RATE_PER_MINUTE: '60000',
      MAIL_RETRY_DELAY_MS: '100',
      JOB_LOCK_MS: '2000',
      MAIL_CLAIM_LEASE_MS: '2000',
    });
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    // Sam reviews Safe Communities only; Rita (every theme) keeps the default; Raj (every theme) chooses at once.
    await product.api.get(AuthService).createStaff({
      partnershipId: 'sevenoaks-lsp',
      email: SAM,
      name: 'Sam Reviewer',
      role: 'reviewer',
      password: PASSWORD,
      themeIds: ['safe-communities'],
    });
  });
  afterAll(async () => {
    await restarted?.close();
    await product.stop();
  });

  async function lead(agencyId: string, email: string) {
    const session = await product.api.get(AuthService).createLinkSession({
      linkId: `test-${agencyId}`,
      partnershipId: 'sevenoaks-lsp',
      cycleId: null,
      agencyId,
      contactEmail: email,
    });
    return { cookie: `pr_session=${session}`, origin: product.baseUrl };
  }

  it('lets each staff member choose, by API, with If-Match and problem+json', async () => {
    const read = await call('GET', '/me/mail-preferences', as.reviewer2);
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ delivery: 'digest', chosen: false, digests: 'hourly digests', version: 0 });
    expect(read.headers.get('etag')).toBe('"0"');

    const bad = await call('PUT', '/me/mail-preferences', as.reviewer2, { delivery: 'hourly' });
    expect({ status: bad.status, body: bad.body }).toMatchObject({ status: 400 });
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(bad.body)).toContain('delivery');

    const chosen = await call(
      'PUT',
      '/me/mail-preferences',
      { ...as.reviewer2, 'if-match': '"0"' },
      {
        delivery: 'at-once',
      },
    );
    expect(chosen.status).toBe(200);
    expect(chosen.body).toMatchObject({ delivery: 'at-once', chosen: true, version: 1 });
    expect(chosen.headers.get('etag')).toBe('"1"');
    const stale = await call(
      'PUT',
      '/me/mail-preferences',
      { ...as.reviewer2, 'if-match': '"0"' },
      {
        delivery: 'digest',
      },
    );
    expect(stale.status).toBe(409);
    // Agency leads have no staff account, so no preference here.
    const leadSays = await call('GET', '/me/mail-preferences', await lead('sevenoaks-csp', TEN[0][2]));
    expect(leadSays.status).toBe(403);
  });

  it('sends one digest per reviewer listing all ten submissions of the hour, and ten mails to one who chose at once', async () => {
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Digest cycle',
      periodStart: '2025-04-01',
      periodEnd: '2026-03-31',
      dueDate: '2027-01-31',
      cycleId: 'digest',
    });
    expect(drafted.status).toBe(201);
    const opened = await call('POST', '/cycles/digest/open', as.coordinator, {
      measureRefs: TEN.map(([ref]) => ref),
    });
    expect(opened.status).toBe(200);
    const cycleId = drafted.body.id as string;

    for (const [i, [ref, agencyId, email]] of TEN.entries()) {
      clock.set(new Date(Date.parse('2026-12-03T10:02:00Z') + i * 5 * 60_000)); // 10:02 ... 10:47
      const sent = await call(
        'POST',
        `/returns/${cycleId}.${ref}/submit`,
        await lead(agencyId, email),
        submission,
      );
      expect(sent.status).toBe(200);
    }

    // Raj chose at once: a mail for each, as it came, linking the review page of that return.
    await eventually(async () => atOnce(STAFF.reviewer2).length >= 10);
    for (const mail of atOnce(STAFF.reviewer2)) {
      expect(mail.text).toMatch(
        new RegExp(`${product.config.publicBaseUrl}/review/returns/sevenoaks-lsp~digest\\.`),
      );
      expect(mail.text).not.toContain(`${product.config.publicBaseUrl}/returns/`); // the JSON route
      expect(mail.text).toContain(
        'You are getting this because you review every theme; you chose one mail for each submission at once. ' +
          `Change this at ${product.config.publicBaseUrl}/account#mail`,
      );
    }

    // The hour is still open: a scan finds no digest owed, and nothing else goes.
    clock.set(new Date('2026-12-03T10:59:59Z'));
    expect((await product.worker.get(ChaseScanner).run()).digests).toBe(0);
    await untilQuiet(product);
    expect(digests(STAFF.reviewer)).toHaveLength(0);

    // The hour closes: one job for the partnership's window, one mail per reviewer with anything in it.
    clock.set(new Date('2026-12-03T11:00:30Z'));
    expect((await product.worker.get(ChaseScanner).run()).digests).toBe(1);
    await eventually(async () => digests(STAFF.reviewer).length >= 1 && digests(SAM).length >= 1);
    await untilQuiet(product);

    const [rita] = digests(STAFF.reviewer);
    expect(digests(STAFF.reviewer)).toHaveLength(1);
    expect(rita.subject).toBe('Sevenoaks District Local Strategic Partnership: 10 returns submitted');
    for (const [ref] of TEN) {
      expect(rita.text).toContain(` submitted ${ref} (`);
      expect(rita.text).toContain(`${product.config.publicBaseUrl}/review/returns/${cycleId}.${ref}`);
    }
    expect(rita.text).toContain('between 10:00am and 11:00am on 3 December 2026');
    expect(rita.text).toContain(`Everything waiting for review: ${product.config.publicBaseUrl}/review`);
    expect(rita.text).toContain(
      'You are getting this because you review every theme; hourly digests are the default. ' +
        `Change this at ${product.config.publicBaseUrl}/account#mail`,
    );
    expect(rita.html).toContain(`href="${product.config.publicBaseUrl}/review/returns/${cycleId}.S1"`);

    // Sam reviews Safe Communities: the five of his theme only.
    const [sam] = digests(SAM);
    expect(digests(SAM)).toHaveLength(1);
    expect(sam.subject).toMatch(/: 5 returns submitted$/);
    expect(sam.text).toContain('you review the theme Safe Communities');
    expect(sam.text).not.toContain('submitted C1 (');
    // Raj gets no digest: he heard of each at once. Nobody else is told twice.
    expect(digests(STAFF.reviewer2)).toHaveLength(0);
    expect(atOnce(STAFF.reviewer2)).toHaveLength(10);
    expect(atOnce(STAFF.reviewer)).toHaveLength(0);

    // The link goes to the page where the reviewer acts.
    const page = await call('GET', `/review/returns/${encodeURIComponent(`${cycleId}.S1`)}`, {
      ...as.reviewer,
      accept: 'text/html',
    });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('S1');
  });

  it('sends the digest once however often its job runs, Redis emptied and the worker started again included', async () => {
    const ledger = async () =>
      (
        await product.db.dataSource.query(
          `SELECT count(*)::int AS n FROM events WHERE type = 'DigestSent' AND stream_id LIKE 'digests:%'`,
        )
      )[0].n;
    expect(await ledger()).toBe(2); // Rita's and Sam's

    // The next scans find the window settled and enqueue nothing.
    expect((await product.worker.get(ChaseScanner).run()).digests).toBe(0);
    // The same job again, under another id (as a second worker or a replay would run it).
    const mail = new Queue(QUEUES.mail, {
      connection: bullConnection(product.config.redisUrl),
      prefix: product.config.queuePrefix,
    });
    const [owed] = await product.db.dataSource.query(
      `SELECT job_id, job_data FROM owed_mails WHERE job_name = $1`,
      [CHASING_JOBS.digestMail],
    );
    expect(owed.job_id).toMatch(/^digest\.sevenoaks-lsp\.\d+\.\d+$/);
    await mail.add(CHASING_JOBS.digestMail, owed.job_data, { jobId: 'digest-again' });
    await untilQuiet(product);
    await mail.close();

    // Redis emptied and the worker started again, with the row unsettled (as if the worker died before
    // settling it): reconciliation puts the job back, and the ledger finds both digests sent.
    await product.worker.close();
    await deleteQueueKeys(product.config.redisUrl, product.config.queuePrefix);
    await product.db.dataSource.query(
      `UPDATE owed_mails SET settled_at = NULL, outcome = NULL WHERE job_id = $1`,
      [owed.job_id],
    );
    restarted = await startWorker(product.config, { clock, relayPollIntervalMs: 25 });
    await eventually(async () => {
      const [row] = await product.db.dataSource.query(`SELECT settled_at FROM owed_mails WHERE job_id = $1`, [
        owed.job_id,
      ]);
      return row.settled_at !== null;
    });
    await untilQuiet(product);
    expect(digests(STAFF.reviewer)).toHaveLength(1);
    expect(digests(SAM)).toHaveLength(1);
    expect(await ledger()).toBe(2);
  });

  it('owes no digest for a window while a transaction that began before it closed is still open', async () => {
    // Such a transaction may yet commit a submission into the window; a digest sent before it would never carry it.
    const scan = new ScanForDigests(product.db.dataSource, product.config);
    const tenToEleven = (jobs: Awaited<ReturnType<ScanForDigests['execute']>>) =>
      jobs.filter((j) => JSON.stringify(j.data).includes('2026-12-03T11:00:00.000Z')).length;
    const late = new Client({ connectionString: product.db.url });
    await late.connect();
    try {
      await late.query('BEGIN');
      await late.query('SELECT txid_current()');
      await new Promise((r) => setTimeout(r, 1500));
      // 1 s after 11:00 the transaction, open for 1.5 s, began before the window closed: held back.
      expect(tenToEleven(await scan.execute(new Date('2026-12-03T11:00:01Z')))).toBe(0);
      // 30 s after, it began after the close: it cannot write into the window, so the digest is owed.
      expect(tenToEleven(await scan.execute(new Date('2026-12-03T11:00:30Z')))).toBe(1);
      await late.query('ROLLBACK');
      expect(tenToEleven(await scan.execute(new Date('2026-12-03T11:00:01Z')))).toBe(1);
    } finally {
      await late.end();
    }
  });

  it('puts a lead’s messages in the digest of staff who get digests, and mails them at once to staff who chose so', async () => {
    const worker = restarted!;
    const s1 = 'sevenoaks-lsp~digest.S1';
    const perMessage = (to: string) =>
      product.smtp.mails.filter((m) => m.to.includes(to) && m.subject.includes('new message on S1'));
    const messageDigests = (to: string) =>
      product.smtp.mails.filter(
        (m) => m.to.includes(to) && / messages? on (a return|returns)$/.test(m.subject),
      );
    const bodies = [
      'First: the figures for Swanley are attached.',
      'Second: the target was agreed with the board.',
      `Third: ${'a long explanation '.repeat(15)}END-OF-MESSAGE`,
    ];
    for (const [i, body] of bodies.entries()) {
      clock.set(new Date(Date.parse('2026-12-03T12:05:00Z') + i * 5 * 60_000)); // 12:05, 12:10, 12:15
      const posted = await call('POST', `/returns/${s1}/messages`, as.lead('sevenoaks-csp'), { body });
      expect(posted.status).toBe(201);
    }

    // Raj chose at once: one mail per message, as each came.
    await eventually(async () => perMessage(STAFF.reviewer2).length >= 3);
    clock.set(new Date('2026-12-03T12:59:59Z'));
    expect((await worker.get(ChaseScanner).run()).digests).toBe(0);
    await untilQuiet(product);
    expect(perMessage(STAFF.reviewer2)).toHaveLength(3);
    // Rita and Sam get digests: nothing yet, and never a mail of its own.
    expect(perMessage(STAFF.reviewer)).toHaveLength(0);
    expect(perMessage(SAM)).toHaveLength(0);
    expect(messageDigests(STAFF.reviewer)).toHaveLength(0);

    // The hour closes: one digest each listing all three messages, linking the conversation to answer on.
    clock.set(new Date('2026-12-03T13:00:30Z'));
    expect((await worker.get(ChaseScanner).run()).digests).toBe(1);
    await eventually(
      async () => messageDigests(STAFF.reviewer).length >= 1 && messageDigests(SAM).length >= 1,
    );
    await untilQuiet(product);
    const [rita] = messageDigests(STAFF.reviewer);
    expect(messageDigests(STAFF.reviewer)).toHaveLength(1);
    expect(rita.subject).toBe('Sevenoaks District Local Strategic Partnership: 3 messages on returns');
    expect(rita.text).toContain('between 12:00pm and 1:00pm on 3 December 2026');
    const lines = rita.text.split('\n').filter((l) => l.startsWith('- '));
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/ of Sevenoaks .* wrote on S1 \(/);
    expect(rita.text).toContain('“First: the figures for Swanley are attached.”');
    expect(rita.text).toContain('“Second: the target was agreed with the board.”');
    expect(rita.text).toContain('“Third: a long explanation');
    expect(rita.text).not.toContain('END-OF-MESSAGE'); // the first ~200 characters only
    expect(rita.text).toContain(`${product.config.publicBaseUrl}/review/returns/${s1}/messages`);
    expect(rita.html).toContain(`href="${product.config.publicBaseUrl}/review/returns/${s1}/messages"`);
    expect(rita.text).toContain('hourly digests are the default');
    expect(messageDigests(SAM)).toHaveLength(1);
    expect(messageDigests(SAM)[0].text).toContain('you review the theme Safe Communities');
    // Raj heard at once, so no digest; nobody heard twice, and a later scan owes nothing more.
    expect(messageDigests(STAFF.reviewer2)).toHaveLength(0);
    expect((await worker.get(ChaseScanner).run()).digests).toBe(0);
    await untilQuiet(product);
    expect(messageDigests(STAFF.reviewer)).toHaveLength(1);
    expect(perMessage(STAFF.reviewer2)).toHaveLength(3);
    expect(perMessage(STAFF.reviewer)).toHaveLength(0);
  });
});
