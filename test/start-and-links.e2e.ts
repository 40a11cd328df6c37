import { cycleStreamId } from '../libs/returns/src/index.js';
import { untilQuiet } from './support/processors.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from './support/product.js';

/**
 * The way in: the start page, the footer's pages, error pages for browsers, a link's landing page in words,
 * and "my link has expired: send me a new one".
 */
describe('start page, link landing and new links (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  let closedCycleId: string;
  const agencies = sevenoaksPlan().agencies;
  const csp = agencies.find((a) => a.id === 'sevenoaks-csp')!;
  const cspLead = csp.contacts.find((c) => c.role === 'lead')!.email;
  const council = agencies.find((a) => a.id === 'sevenoaks-dc')!;
  const councilLead = council.contacts.find((c) => c.role === 'lead')!.email;
  const html = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

  const openCycle = async (label: string, dueDate: string) => {
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label,
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate,
    });
    expect(drafted.status).toBe(201);
    await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, {
      measureRefs: ['S1', 'S2', 'C1'],
    });
    return drafted.body.id as string;
  };
  const mailsTo = (email: string, label: string) =>
    product.smtp.mails.filter((m) => m.to.includes(email) && m.subject.includes(label));
  const tokenIn = (text: string) => /\/l\/([A-Za-z0-9_-]{43})/.exec(text)![1];
  const tokenFor = async (email: string, label: string, count = 1) => {
    const mails = await eventually(async () => {
      const mine = mailsTo(email, label);
      return mine.length >= count ? mine : null;
    });
    return tokenIn(mails[count - 1].text);
  };
  const exchange = (token: string) =>
    fetch(`${product.baseUrl}/l`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      body: `token=${encodeURIComponent(token)}`,
    });
  /** What a browser does: open the form (a CSRF cookie and token), then send it from this origin. */
  const askForNewLink = async (email: string) => {
    const form = await fetch(`${product.baseUrl}/link/new`, { headers: html });
    expect(form.status).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(await form.text())![1];
    const cookie = form.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const started = performance.now();
    const response = await fetch(`${product.baseUrl}/link/new`, {
      method: 'POST',
      headers: {
        ...html,
        'content-type': 'application/x-www-form-urlencoded',
        origin: product.baseUrl,
        cookie,
      },
      body: new URLSearchParams({ _csrf: token, email }).toString(),
    });
    const text = await response.text();
    // How long the post took to be answered, the page read whole.
    const took = performance.now() - started;
    return { status: response.status, text, headers: response.headers, took };
  };
  const noContinue = (page: string) => expect(page).not.toMatch(/<button[^>]*>\s*Continue\s*<\/button>/);

  beforeAll(async () => {
    product = await startProduct('start_links');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    cycleId = await openCycle('Year 2 2020/21', '2030-04-30');
    closedCycleId = await openCycle('Quarter 1 2020/21', '2030-06-30');
  });
  afterAll(() => product.stop());

  it('shows a start page to anyone not signed in, and each signed-in person their own start page', async () => {
    const page = await fetch(`${product.baseUrl}/`, { headers: html, redirect: 'manual' });
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain('Send and review your partnership’s monitoring returns');
    expect(text).toContain('Local Strategic Partnership');
    expect(text).toContain('I have a link');
    expect(text).toContain('href="/link/new"');
    expect(text).toContain('href="/sign-in"');
    for (const footer of ['/accessibility', '/privacy', '/cookies'])
      expect(text).toContain(`href="${footer}"`);

    const signIn = await fetch(`${product.baseUrl}/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: product.baseUrl },
      body: JSON.stringify({ email: STAFF.reviewer, password: PASSWORD }),
    });
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0];
    const reviewer = await fetch(`${product.baseUrl}/`, { headers: { ...html, cookie }, redirect: 'manual' });
    expect([reviewer.status, reviewer.headers.get('location')]).toEqual([303, '/review']);
  });

  it('serves the accessibility statement, privacy notice and cookies page to anyone', async () => {
    const words: Record<string, string[]> = {
      '/accessibility': [
        'Accessibility statement for Partner Returns',
        'WCAG) 2.2 AA',
        'Enforcement procedure',
      ],
      '/privacy': ['Privacy notice', 'data controller', 'Your rights'],
      '/cookies': ['Strictly necessary cookies', 'pr_session', 'pr_csrf', 'does not ask you to accept'],
    };
    for (const [path, expected] of Object.entries(words)) {
      const page = await fetch(`${product.baseUrl}${path}`, { headers: html });
      expect([path, page.status]).toEqual([path, 200]);
      const text = await page.text();
      for (const w of expected) expect(text).toContain(w);
    }
  });

  it('answers a browser with GOV.UK 404 and 403 pages, and an API client with problem+json', async () => {
    const missing = await fetch(`${product.baseUrl}/no-such-page`, { headers: html });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('text/html');
    const page = await missing.text();
    expect(page).toContain('Page not found');
    expect(page).toContain('govuk-template');
    const missingApi = await fetch(`${product.baseUrl}/no-such-page`, {
      headers: { accept: 'application/json' },
    });
    expect([missingApi.status, missingApi.headers.get('content-type')]).toEqual([
      404,
      'application/problem+json; charset=utf-8',
    ]);
    const anyClient = await fetch(`${product.baseUrl}/no-such-page`);
    expect(anyClient.headers.get('content-type')).toContain('application/problem+json');

    const refused = await fetch(`${product.baseUrl}/coordinate`, { headers: { ...html, ...as.reviewer } });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('text/html');
    expect(await refused.text()).toContain('You cannot do that');
    const refusedApi = await fetch(`${product.baseUrl}/cycles/${cycleId}/links`, {
      headers: { accept: 'application/json', ...as.reviewer },
    });
    expect([refusedApi.status, refusedApi.headers.get('content-type')]).toEqual([
      403,
      'application/problem+json; charset=utf-8',
    ]);
  });

  it('lands on a page naming the partnership, cycle, agency, due date and returns asked for, changing nothing', async () => {
    const token = await tokenFor(cspLead, 'Year 2 2020/21');
    // The mail says where to get a new link when this one stops working, not only to reply and wait.
    expect(mailsTo(cspLead, 'Year 2 2020/21')[0].text).toContain(
      `If it stops working, ask for a new one at ${product.config.publicBaseUrl}/link/new, or reply to this email.`,
    );
    const before = await product.store.readStream(cycleStreamId(cycleId));
    const page = await fetch(`${product.baseUrl}/l/${token}`, { headers: html });
    expect(page.status).toBe(200);
    expect(page.headers.get('set-cookie')).toBeNull();
    expect(page.headers.get('referrer-policy')).toBe('strict-origin');
    const text = await page.text();
    expect(text).toContain('Sevenoaks District Local Strategic Partnership');
    expect(text).toContain('Year 2 2020/21');
    expect(text).toContain(csp.name);
    expect(text).toContain('30 April 2030');
    expect(text).toContain(`${csp.name} is asked for\n        2 returns`);
    expect(text).toMatch(/<button[^>]*>\s*Continue\s*<\/button>/);
    expect(text).toContain('govuk-template');
    expect(await product.store.readStream(cycleStreamId(cycleId))).toHaveLength(before.length);
  });

  it('says plainly when a link is revoked, its cycle closed, or unknown, and offers a new one without Continue', async () => {
    const councilToken = await tokenFor(councilLead, 'Quarter 1 2020/21');
    const version = (await call('GET', `/cycles/${closedCycleId}`, as.coordinator)).headers.get('etag')!;
    const closed = await call(
      'POST',
      `/cycles/${closedCycleId}/close`,
      { ...as.coordinator, 'if-match': version },
      { force: true, reason: 'Replaced by the annual cycle' },
    );
    expect(closed.status).toBe(200);
    const expired = await fetch(`${product.baseUrl}/l/${councilToken}`, { headers: html });
    expect(expired.status).toBe(410);
    const expiredText = await expired.text();
    expect(expiredText).toContain('This link has expired');
    expect(expiredText).toContain('Quarter 1 2020/21');
    expect(expiredText).toContain('action="/link/new"');
    noContinue(expiredText);
    expect(expiredText).not.toContain(councilToken);

    const unknown = await fetch(`${product.baseUrl}/l/${'x'.repeat(43)}`, { headers: html });
    expect(unknown.status).toBe(404);
    const unknownText = await unknown.text();
    expect(unknownText).toContain('This link is not recognised');
    noContinue(unknownText);

    const oldToken = await tokenFor(councilLead, 'Year 2 2020/21');
    const reissued = await call(
      'POST',
      `/cycles/${cycleId}/agencies/sevenoaks-dc/links/reissue`,
      as.coordinator,
      {
        reason: 'Forwarded to the wrong person',
      },
    );
    expect(reissued.status).toBe(200);
    const revoked = await fetch(`${product.baseUrl}/l/${oldToken}`, { headers: html });
    expect(revoked.status).toBe(410);
    const revokedText = await revoked.text();
    expect(revokedText).toContain('This link has been replaced');
    expect(revokedText).toContain('action="/link/new"');
    noContinue(revokedText);
  });

  it('mails a registered lead a new link that works once, gives an unknown address the same answer', async () => {
    const oldToken = await tokenFor(cspLead, 'Year 2 2020/21');
    const before = mailsTo(cspLead, 'Year 2 2020/21').length;

    const unknown = await askForNewLink('nobody@nowhere.example.org');
    const known = await askForNewLink(cspLead.toUpperCase());
    expect([unknown.status, known.status]).toEqual([200, 200]);
    const answer = (page: string, email: string) =>
      page.replace(email, 'EMAIL').replace(/(value|nonce)="[^"]+"/g, '');
    expect(answer(known.text, cspLead.toUpperCase())).toBe(
      answer(unknown.text, 'nobody@nowhere.example.org'),
    );
    expect(known.text).toContain('Check your email');

    // One mail only, to the registered lead, with a token that is neither the old link nor stored anywhere.
    const newToken = await tokenFor(cspLead, 'Year 2 2020/21', before + 1);
    await new Promise((r) => setTimeout(r, 500));
    const asked = product.smtp.mails.filter((m) => m.text.includes('You asked for this link'));
    expect(asked.map((m) => m.to)).toEqual([[cspLead]]);
    expect(product.smtp.mails.some((m) => m.to.includes('nobody@nowhere.example.org'))).toBe(false);
    expect(newToken).not.toBe(oldToken);
    const mail = mailsTo(cspLead, 'Year 2 2020/21')[before];
    expect(mail.text).toContain('You asked for this link. It works once, until');
    expect(mail.text).not.toContain(oldToken);
    const [{ n }] = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE data::text LIKE $1`,
      [`%${newToken}%`],
    );
    expect(n).toBe(0);
    // Sent through the mail ledger, like every link.
    const ledger = await product.db.dataSource.query(
      `SELECT type FROM events WHERE stream_id LIKE 'link-mail:%' AND type LIKE 'LinkMail%'`,
    );
    expect(ledger.length).toBeGreaterThan(0);
    // Read through the store: the row holds the address sealed with its person's key (issue 17).
    const issued = (
      await product.store.readAll({ transactionId: '0', globalPosition: 0 }, 100_000)
    ).events.filter((e) => e.type === 'SubmissionLinkIssued' && 'expiresAt' in (e.data as object));
    expect(issued.map((e) => e.metadata.actorId)).toEqual([cspLead]);

    // The landing page says it works once; it does, then says it was used. The old link still works.
    const landing = await (await fetch(`${product.baseUrl}/l/${newToken}`, { headers: html })).text();
    expect(landing).toContain('It works once, until');
    // Posted twice at the same moment, it still opens one session only.
    const both = await Promise.all([exchange(newToken), exchange(newToken)]);
    expect(both.map((r) => r.status).sort()).toEqual([303, 410]);
    const again = await exchange(newToken);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('This link has already been used');
    const usedPage = await fetch(`${product.baseUrl}/l/${newToken}`, { headers: html });
    expect(usedPage.status).toBe(410);
    noContinue(await usedPage.text());
    expect((await exchange(oldToken)).status).toBe(303);
  });

  it('asks again, in plain words, for an address that is missing or malformed', async () => {
    const empty = await askForNewLink('');
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('<title>Error: Get a new link');
    expect(empty.text).toContain('href="#email"');
    expect(empty.text).toContain('Enter the email address the coordinator sends your returns to');
    const malformed = await askForNewLink('not an address');
    expect(malformed.status).toBe(422);
    expect(malformed.text).toContain('Enter an email address in the correct format');
  });

  it('limits requests per address typed and per client, with a GOV.UK page and Retry-After', async () => {
    const target = 'someone@sevenoaks.example.org';
    for (let i = 0; i < 3; i++) expect((await askForNewLink(target)).status).toBe(200);
    const refused = await askForNewLink(target);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.text).toContain('Too many requests for a new link');
    expect(refused.text).toContain('govuk-error-summary');

    // Five requests from this client counted so far (two in the test above, three here; the refused one was
    // stopped by the address typed before the client's count): its limit of ten stops the sixth new address.
    const answers: number[] = [];
    for (let i = 0; i < 6; i++) answers.push((await askForNewLink(`person${i}@example.org`)).status);
    expect(answers).toEqual([200, 200, 200, 200, 200, 429]);
  });

  /**
   * An attacker's probe: the answer to a lead's address came measurably later than to an unknown one (the new
   * link was decided holding the cycle's row, appended and its mail queued before the page was sent), so the
   * time of an answer told which addresses lead an agency. Both are answered alike now, the work done after.
   * Each sample starts once the product is quiet, with the new-link limits emptied (this measures the time, the
   * test above the limits); known and unknown alternate so that a busy machine slows both alike, and the medians
   * of 40 each are compared.
   */
  it('answers a lead’s address and an unknown one in the same time', async () => {
    const timed = async (email: string) => {
      // Nothing left of the sample before (a known address's link issued, relayed and mailed after its answer).
      await untilQuiet(product);
      await product.db.dataSource.query(`DELETE FROM attempt_throttles WHERE kind LIKE 'new-link-%'`);
      const { status, took } = await askForNewLink(email);
      expect(status).toBe(200);
      return took;
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 40; i++) {
      // Leads of two agencies, in both open cycles (the most work a known address can ask for), and two unknown
      // addresses, each pair in turn first.
      const lead = i % 4 < 2 ? cspLead : councilLead;
      const stranger = `nobody${i % 4 < 2 ? 1 : 2}@nowhere.example.org`;
      if (i % 2) {
        known.push(await timed(lead));
        unknown.push(await timed(stranger));
      } else {
        unknown.push(await timed(stranger));
        known.push(await timed(lead));
      }
    }
    // The leads' links were issued all the same, after each answer.
    await eventually(async () => {
      const asked = product.smtp.mails.filter(
        (m) => m.to.includes(councilLead) && m.text.includes('You asked for this link'),
      );
      return asked.length >= 20 || undefined;
    });
    const [k, u] = [median(known), median(unknown)];
    // Before: 111 ms against 40 (a lead's link decided, appended and queued first); now both about 15 ms. The
    // tolerance is far from both, for a busy 2-core machine.
    expect({ known: k, unknown: u, apart: Math.abs(k - u) < Math.max(15, 0.5 * u) }).toMatchObject({
      apart: true,
    });
  }, 120_000);
});
