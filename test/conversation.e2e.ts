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
import { postPageForm } from './support/page-form.js';

/**
 * Issue 14 point 1: a conversation on a return. Reviewer, coordinator and the agency's lead write on a return's
 * thread (its own stream, so the return's version never moves); a change request holds back approval until the
 * agency answers it or staff resolve it; the other side is mailed through the ledger; nobody else sees it.
 */
describe('conversation on a return (e2e, real PostgreSQL, Redis and SMTP)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  const plan = sevenoaksPlan();
  const lead = (agencyId: string) => plan.agencies.find((a) => a.id === agencyId)!.contacts[0];
  const csp = lead('sevenoaks-csp');

  beforeAll(async () => {
    product = await startProduct('conversation');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    cycleId = drafted.body.id;
    // Both reviewers hear of each message at once here; the digest of messages is test/digests.e2e.ts.
    for (const reviewer of [as.reviewer, as.reviewer2])
      expect(
        (
          await call(
            'PUT',
            '/me/mail-preferences',
            { ...reviewer, 'if-match': '"0"' },
            { delivery: 'at-once' },
          )
        ).status,
      ).toBe(200);
    expect(
      (await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1', 'S2', 'H1'] }))
        .status,
    ).toBe(200);
  }, 90_000);
  afterAll(() => product.stop());

  const problem = (
    r: { status: number; headers: Headers; body: { code?: string; errors?: unknown[] } },
    status: number,
    code: string,
    field?: string,
  ) => {
    expect([r.status, r.body.code]).toEqual([status, code]);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    if (field) expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
  };
  const submit = async (returnId: string, agencyId: string) => {
    expect(
      (
        await call('PUT', `/returns/${returnId}/draft`, as.lead(agencyId), {
          rag: 'green',
          narrative: 'Done.',
        })
      ).status,
    ).toBe(200);
    expect((await call('POST', `/returns/${returnId}/submit`, as.lead(agencyId))).status).toBe(200);
  };
  const mailsTo = (email: string, subject: RegExp) =>
    product.smtp.mails.filter((m) => m.to.includes(email) && subject.test(m.subject));

  it('refuses approval while a change request is open, and allows it once the agency has answered', async () => {
    const s1 = `${cycleId}.S1`;
    await submit(s1, 'sevenoaks-csp');
    const before = await call('GET', `/returns/${s1}`, as.reviewer);

    const asked = await call(
      'POST',
      `/returns/${s1}/messages`,
      { ...as.reviewer, 'if-match': '"0"' },
      {
        body: 'Please split the figures by district.',
        changeRequest: true,
      },
    );
    expect(asked.status).toBe(201);
    expect(asked.body).toEqual({ id: s1, version: 1, messageId: 'm1', openChangeRequests: ['m1'] });
    expect(asked.headers.get('etag')).toBe('"1"');
    // The thread is apart from the return: its version, and so the lead's open form, did not move.
    expect((await call('GET', `/returns/${s1}`, as.reviewer)).headers.get('etag')).toBe(
      before.headers.get('etag'),
    );

    // The agency's lead is mailed why, with the page to answer on and their link to get there.
    const [mail] = await eventually(async () => {
      const found = mailsTo(csp.email, /change requested on S1/);
      return found.length > 0 && found;
    });
    expect(mail.text).toContain('You are getting this because');
    expect(mail.text).toContain('Please split the figures by district.');
    expect(mail.text).toContain(`${product.config.publicBaseUrl}/agency/returns/${s1}/messages`);
    expect(mail.text).toMatch(new RegExp(`${product.config.publicBaseUrl}/l/\\S+`));

    const refused = await call('POST', `/returns/${s1}/approve`, as.reviewer);
    problem(refused, 422, 'open-change-requests', 'openChangeRequests');
    expect(refused.body.openChangeRequests).toEqual(['m1']);
    expect((await call('GET', `/returns/${s1}`, as.reviewer)).body.status).toBe('submitted');

    const thread = await call('GET', `/returns/${s1}/messages`, as.lead('sevenoaks-csp'));
    expect(thread.status).toBe(200);
    expect(thread.body.messages).toEqual([
      expect.objectContaining({
        messageId: 'm1',
        author: STAFF.reviewer,
        authorRole: 'reviewer',
        changeRequest: true,
        closed: null,
      }),
    ]);

    const answered = await call(
      'POST',
      `/returns/${s1}/messages`,
      { ...as.lead('sevenoaks-csp'), 'if-match': '"1"' },
      {
        body: 'Split by district now: see the table.',
        answers: 'm1',
      },
    );
    expect(answered.status).toBe(201);
    expect(answered.body).toMatchObject({ messageId: 'm2', openChangeRequests: [] });
    // The reviewers of the theme (both have none set, so review every theme) hear of the answer at once.
    await eventually(
      async () =>
        mailsTo(STAFF.reviewer, /new message on S1/).length === 1 &&
        mailsTo(STAFF.reviewer2, /new message on S1/).length === 1,
    );
    const [toReviewer] = mailsTo(STAFF.reviewer, /new message on S1/);
    expect(toReviewer.text).toContain(`${product.config.publicBaseUrl}/review/returns/${s1}/messages`);
    expect(toReviewer.text).toContain(`${csp.name} of`);

    expect((await call('POST', `/returns/${s1}/approve`, as.reviewer)).status).toBe(200);
    // A message after approval is still taken; a change request is not (reopen first).
    expect((await call('POST', `/returns/${s1}/messages`, as.coordinator, { body: 'Thanks.' })).status).toBe(
      201,
    );
    problem(
      await call('POST', `/returns/${s1}/messages`, as.coordinator, { body: 'More', changeRequest: true }),
      422,
      'return-approved',
      'changeRequest',
    );
    // The history shows the thread among the return's events, in words.
    const review = await fetch(`${product.baseUrl}/review/returns/${s1}`, {
      headers: { ...as.reviewer, accept: 'text/html' },
    });
    const html = await review.text();
    expect(html).toContain('Asked for a change (m1): “Please split the figures by district.”');
    expect(html).toContain('Answered change request m1');
  });

  it('never leaves a change request open on an approved return when both are sent at once (10 races)', async () => {
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Races',
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2030-04-30',
    });
    const refs = ['C1', 'C2', 'C3', 'C4', 'C5', 'C6', 'G1', 'G2', 'G3', 'G4'];
    expect(
      (await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, { measureRefs: refs })).status,
    ).toBe(200);
    for (const ref of refs) {
      const returnId = `${drafted.body.id}.${ref}`;
      // The coordinator submits, so either reviewer may approve.
      const content = { rag: 'green', narrative: 'Done.' };
      expect((await call('POST', `/returns/${returnId}/submit`, as.coordinator, content)).status).toBe(200);
      const [approved, asked] = await Promise.all([
        call('POST', `/returns/${returnId}/approve`, as.reviewer2),
        call('POST', `/returns/${returnId}/messages`, as.reviewer, { body: 'Wait', changeRequest: true }),
      ]);
      // One of the two wins; the other is refused, never both taken.
      expect([approved.status, asked.status].sort()).toEqual(
        approved.status === 200 ? [200, 422] : [201, 422],
      );
      const status = (await call('GET', `/returns/${returnId}`, as.reviewer)).body.status;
      const open = (await call('GET', `/returns/${returnId}/messages`, as.reviewer)).body.openChangeRequests;
      expect({ ref, status, open }).toEqual(
        status === 'approved' ? { ref, status, open: [] } : { ref, status: 'submitted', open: ['m1'] },
      );
    }
  });

  it('lets a reviewer resolve a change request without an answer; the lead may not', async () => {
    const h1 = `${cycleId}.H1`;
    await submit(h1, 'sevenoaks-hat');
    expect(
      (
        await call('POST', `/returns/${h1}/messages`, as.coordinator, {
          body: 'Add the baseline.',
          changeRequest: true,
        })
      ).status,
    ).toBe(201);
    expect((await call('POST', `/returns/${h1}/messages/m1/resolve`, as.lead('sevenoaks-hat'))).status).toBe(
      403,
    );
    problem(await call('POST', `/returns/${h1}/messages/m9/resolve`, as.reviewer), 404, 'message-not-found');
    problem(
      await call('POST', `/returns/${h1}/messages/m1/resolve`, { ...as.reviewer, 'if-match': '"0"' }),
      409,
      'stale-version',
    );
    const resolved = await call('POST', `/returns/${h1}/messages/m1/resolve`, as.reviewer);
    expect(resolved.status).toBe(200);
    expect(resolved.body.openChangeRequests).toEqual([]);
    problem(
      await call('POST', `/returns/${h1}/messages/m1/resolve`, as.reviewer),
      409,
      'change-request-closed',
    );
    expect((await call('POST', `/returns/${h1}/approve`, as.reviewer)).status).toBe(200);
  });

  it('names the field and rule of bad input: 400 for its shape, 422 for a rule, 409 for a stale If-Match', async () => {
    const s2 = `${cycleId}.S2`;
    const post = (body: unknown, headers = as.reviewer) =>
      call('POST', `/returns/${s2}/messages`, headers, body);
    problem(await post({ body: '   ' }), 422, 'message-required', 'body');
    problem(await post({ body: 'x'.repeat(5001) }), 422, 'message-too-long', 'body');
    expect((await post({ body: 5 })).status).toBe(400);
    expect((await post({ body: 'Hi', changeRequest: 'yes' })).status).toBe(400);
    expect((await post({ body: 'Hi', answers: 'DROP' }, as.lead('sevenoaks-csp'))).status).toBe(400);
    problem(
      await post({ body: 'Change', changeRequest: true }, as.lead('sevenoaks-csp')),
      422,
      'change-request-by-staff',
      'changeRequest',
    );
    problem(
      await post({ body: 'Done', answers: 'm1' }, as.lead('sevenoaks-csp')),
      422,
      'no-open-change-request',
      'answers',
    );
    expect((await post({ body: 'First' })).status).toBe(201);
    const stale = await post({ body: 'Second' }, { ...as.reviewer, 'if-match': '"0"' });
    expect(stale.status).toBe(409);
    expect((await call('GET', `/returns/${s2}/messages`, as.reviewer)).body.messages).toHaveLength(1);
  });

  it('is seen and written only by the partnership’s staff and the return’s agency', async () => {
    const s2 = `${cycleId}.S2`;
    for (const who of [as.otherCoordinator, as.lead('sevenoaks-hat')]) {
      problem(await call('GET', `/returns/${s2}/messages`, who), 404, 'return-not-found');
      expect((await call('POST', `/returns/${s2}/messages`, who, { body: 'Hello' })).status).toBe(404);
    }
    expect((await call('GET', `/returns/${s2}/messages`, as.viewer)).status).toBe(200);
    expect((await call('POST', `/returns/${s2}/messages`, as.viewer, { body: 'Hello' })).status).toBe(403);
    // Never in any report format.
    const report = await call('GET', `/cycles/${cycleId}/report?format=json`, as.coordinator);
    expect(JSON.stringify(report.body)).not.toContain('Please split the figures');
  });

  describe('the pages', () => {
    async function page(path: string, headers: Record<string, string>) {
      const response = await fetch(`${product.baseUrl}${path}`, {
        headers: { ...headers, accept: 'text/html' },
        redirect: 'manual',
      });
      return { status: response.status, html: await response.text(), response };
    }
    /** Posts a page's form as a browser would: with the CSRF token and cookie that page handed out. */
    const post = (
      formPath: string,
      action: string,
      headers: Record<string, string>,
      fields: Record<string, string>,
    ) =>
      postPageForm(product.baseUrl, {
        from: formPath,
        to: action,
        headers,
        fields: (html) => ({ version: /name="version" value="(\d+)"/.exec(html)?.[1] ?? '', ...fields }),
      });

    it('a reviewer asks for a change on the messages page; the lead sees it on the form and answers it there', async () => {
      const s2 = `${cycleId}.S2`;
      const staffPage = `/review/returns/${s2}/messages`;
      // Numbered after whatever the other tests wrote on this return.
      const n = (await call('GET', `/returns/${s2}/messages`, as.reviewer)).body.messages.length;
      const [asks, answers] = [`m${n + 1}`, `m${n + 2}`];
      const empty = await post(staffPage, staffPage, as.reviewer, { body: '  ', changeRequest: 'yes' });
      expect(empty.status).toBe(422);
      expect(empty.html).toMatch(/<title>Error: /);
      expect(empty.html).toContain('href="#body"');
      expect(empty.html).toMatch(/id="body-error"[\s\S]*Enter your message/);
      const asked = await post(staffPage, staffPage, as.reviewer, {
        body: 'Say which wards.',
        changeRequest: 'yes',
      });
      expect([asked.status, asked.location]).toEqual([303, `${staffPage}?posted=${asks}#${asks}`]);
      expect((await page(asked.location!, as.reviewer)).html).toContain(`Your message ${asks} has been sent`);

      const me = as.lead('sevenoaks-csp');
      const form = await page(`/agency/returns/${s2}`, me);
      expect(form.html).toContain('id="change-requests"');
      expect(form.html).toContain('Say which wards.');
      const leadPage = `/agency/returns/${s2}/messages`;
      const thread = await page(leadPage, me);
      expect(thread.html).toContain('Does this message answer a change request?');
      expect(thread.html).not.toContain('Ask for a change');
      const answered = await post(leadPage, leadPage, me, {
        body: 'Sevenoaks Town and Swanley.',
        answers: asks,
      });
      expect([answered.status, answered.location]).toEqual([303, `${leadPage}?posted=${answers}#${answers}`]);
      const after = await page(`/review/returns/${s2}`, as.reviewer);
      expect(after.html).toContain(`Answered in ${answers}`);
      // Each message's words are on the review page's thread too, not only on the messages page.
      expect(after.html).toContain('<p class="govuk-body">Sevenoaks Town and Swanley.</p>');
      expect(after.html).not.toContain('change request is still open');
      // Another partnership's staff and another agency's lead get the 404 page.
      expect((await page(staffPage, as.otherCoordinator)).status).toBe(404);
      expect((await page(`/agency/returns/${s2}/messages`, as.lead('sevenoaks-hat'))).status).toBe(404);
    });
  });
});
