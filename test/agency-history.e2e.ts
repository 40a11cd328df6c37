import { AuthService } from '../libs/auth/src/index.js';
import { as, http, importSevenoaks, Product, sevenoaksPlan, startProduct } from './support/product.js';
import { postPageForm } from './support/page-form.js';

/**
 * Issue 13 points 4 and 8: an agency lead reads what they sent, version by version, with the history in words;
 * starts a return from last cycle's approved one; and a stale save, a second submit, a cycle closed mid-edit
 * and an ended session each get a page that keeps what was typed.
 */
describe('agency lead: what was sent, last cycle, and never losing the typing (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let lastYear: string;
  let thisYear: string;
  const csp = sevenoaksPlan().agencies.find((a) => a.id === 'sevenoaks-csp')!;
  const lead = csp.contacts.find((c) => c.role === 'lead')!;
  const content = (narrative: string) => ({ rag: 'green', narrative, dot: 'improving', comments: null });

  async function cycle(label: string, periodStart: string, periodEnd: string, refs: string[]) {
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label,
      periodStart,
      periodEnd,
      dueDate: '2030-04-30',
    });
    expect(drafted.status).toBe(201);
    expect(
      (await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, { measureRefs: refs })).status,
    ).toBe(200);
    return drafted.body.id as string;
  }

  beforeAll(async () => {
    product = await startProduct('agency_history');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    lastYear = await cycle('Year 1 2019/20', '2019-04-01', '2020-03-31', ['S1', 'S2']);
    // Last year's S1: sent, sent back with a reason, sent again, approved.
    const s1 = `${lastYear}.S1`;
    const me = as.lead('sevenoaks-csp');
    expect((await call('PUT', `/returns/${s1}/draft`, me, content('First go at 2019/20'))).status).toBe(200);
    expect((await call('POST', `/returns/${s1}/submit`, me)).status).toBe(200);
    expect(
      (await call('POST', `/returns/${s1}/send-back`, as.reviewer, { reason: 'Add the baseline' })).status,
    ).toBe(200);
    expect(
      (await call('PUT', `/returns/${s1}/draft`, me, content('Baseline 2018: 80%. Now 90%.'))).status,
    ).toBe(200);
    expect((await call('POST', `/returns/${s1}/submit`, me)).status).toBe(200);
    expect((await call('POST', `/returns/${s1}/approve`, as.reviewer)).status).toBe(200);
    thisYear = await cycle('Year 2 2020/21', '2020-04-01', '2021-03-31', ['S1', 'S2', 'S3']);
  }, 60_000);
  afterAll(() => product.stop());

  /** A page as a browser gets it, with the session's headers. */
  async function page(path: string, headers: Record<string, string> = as.lead('sevenoaks-csp')) {
    const response = await fetch(`${product.baseUrl}${path}`, {
      headers: { ...headers, accept: 'text/html' },
      redirect: 'manual',
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      html: await response.text(),
      response,
    };
  }

  /** Posts a page's form as the browser would: with the CSRF token and cookie that page handed out. */
  const post = (
    formPath: string,
    action: string,
    fields: Record<string, string>,
    headers: Record<string, string> = as.lead('sevenoaks-csp'),
  ) => postPageForm(product.baseUrl, { from: formPath, to: action, headers, fields });

  const versionOn = (html: string) => /name="version" value="(\d+)"/.exec(html)?.[1] ?? '';

  it('shows history in words on the coordinator and review pages: names, words, UK time, versions', async () => {
    for (const path of [`/coordinate/returns/${lastYear}.S1`, `/review/returns/${lastYear}.S1`]) {
      const { status, html } = await page(path, as.coordinator);
      expect(status).toBe(200);
      expect(html).toContain(`${lead.name}, ${csp.name}`);
      expect(html).toContain('Sent back: Add the baseline');
      expect(html).toContain('reviewer (reviewer)'); // the test reviewer's account is named "reviewer"
      expect(html).toMatch(
        /Approved<\/strong>[\s\S]*?\d{1,2} \w+ 20\d\d at (\d{1,2}:\d\d[ap]m|midday|midnight), version 7/,
      );
      expect(html).not.toMatch(/ReturnDraftSaved|ReturnApproved|UTC/);
      expect(html).not.toContain(`by ${lead.email}`);
    }
  });

  it('lets the lead read every version they sent, with its history, from the task list', async () => {
    const tasks = await page(`/agency/cycles/${lastYear}`);
    expect(tasks.html).toContain(`/agency/returns/${lastYear}.S1/sent`);
    const latest = await page(`/agency/returns/${lastYear}.S1/sent`);
    expect(latest.status).toBe(200);
    expect(latest.html).toContain('Your return as sent');
    expect(latest.html).toContain('Baseline 2018: 80%. Now 90%.');
    expect(latest.html).toContain('Sent back: Add the baseline');
    // The first submission was version 3; its page shows what was sent then.
    expect(latest.html).toContain(`/agency/returns/${lastYear}.S1/sent/3`);
    const first = await page(`/agency/returns/${lastYear}.S1/sent/3`);
    expect(first.html).toContain('First go at 2019/20');
    expect(first.html).toContain('This is an earlier version');
    expect((await page(`/agency/returns/${lastYear}.S1/sent/2`)).status).toBe(404);
    expect((await page(`/agency/returns/${lastYear}.S2/sent`)).status).toBe(404);
    // Another agency's lead cannot read it.
    expect((await page(`/agency/returns/${lastYear}.S1/sent`, as.lead('kent-police'))).status).toBe(404);
  });

  it("starts a not-started return from last cycle's approved one, as a draft to edit", async () => {
    const form = await page(`/agency/returns/${thisYear}.S1`);
    expect(form.html).toContain('Start from last year’s return');
    expect(form.html).toContain('Year 1 2019/20');
    const copied = await post(
      `/agency/returns/${thisYear}.S1`,
      `/agency/returns/${thisYear}.S1/from-last-year`,
      {
        version: versionOn(form.html),
      },
    );
    expect(copied.status).toBe(303);
    expect(copied.location).toBe(`/agency/returns/${thisYear}.S1?copied=1`);
    const stored = await call('GET', `/returns/${thisYear}.S1`, as.coordinator);
    expect(stored.body).toMatchObject({
      status: 'draft',
      content: { narrative: 'Baseline 2018: 80%. Now 90%.' },
    });
    const after = await page(`/agency/returns/${thisYear}.S1?copied=1`);
    expect(after.html).toContain('has been copied into this one');
    expect(after.html).not.toContain('Start from last year’s return');
    // S2 was not approved last year: nothing to start from.
    expect((await page(`/agency/returns/${thisYear}.S2`)).html).not.toContain('Start from last year');
    const none = await post(
      `/agency/returns/${thisYear}.S2`,
      `/agency/returns/${thisYear}.S2/from-last-year`,
      {
        version: '1',
      },
    );
    expect(none.status).toBe(404);
  });

  it('keeps the typing on a stale save and offers it at the latest version', async () => {
    const path = `/agency/returns/${thisYear}.S2`;
    const opened = versionOn((await page(path)).html);
    // Someone (another tab) saves first.
    expect(
      (await call('PUT', `/returns/${thisYear}.S2/draft`, as.lead('sevenoaks-csp'), content('Other tab')))
        .status,
    ).toBe(200);
    const stale = await post(path, path, {
      version: opened,
      rag: 'amber',
      narrative: 'My careful words',
      action: 'save',
    });
    expect(stale.status).toBe(409);
    expect(stale.html).toContain('This return changed after you opened it');
    expect(stale.html).toContain(`Started: ${lead.name}, ${csp.name}`);
    expect(stale.html).toContain('My careful words');
    expect(versionOn(stale.html)).toBe(String(Number(opened) + 1));
    // Saving again from that page replaces the other version with the lead's.
    const again = await post(path, path, {
      version: versionOn(stale.html),
      rag: 'amber',
      narrative: 'My careful words',
      dot: 'improving',
      action: 'save',
    });
    expect(again.status).toBe(303);
    expect((await call('GET', `/returns/${thisYear}.S2`, as.coordinator)).body.content.narrative).toBe(
      'My careful words',
    );
  });

  it('answers Back then Submit again with "already sent", not a conflict', async () => {
    const check = `/agency/returns/${thisYear}.S2/check`;
    const version = versionOn((await page(check)).html);
    const first = await post(check, `/agency/returns/${thisYear}.S2/submit`, { version });
    expect(first.status).toBe(303);
    expect((await page(first.location!)).html).toContain(
      'will now read your return on Keep overall crime amongst the lowest in the county and aim for an improvement in that position.</p>',
    );
    const second = await post(`/agency/returns/${thisYear}.S1`, `/agency/returns/${thisYear}.S2/submit`, {
      version,
    });
    expect(second.status).toBe(409);
    expect(second.html).toContain('You have already sent this return');
    // S2's words end in a full stop: the sentence has one, not two.
    expect(second.html).toContain('aim for an improvement in that position was already submitted');
    expect(second.html).toContain(`/agency/returns/${thisYear}.S2/sent`);
    expect(second.html).not.toContain('Someone else saved a change first');
    // Opened again, check answers shows what was sent, not a Submit button that can only say so.
    const again = await page(check);
    expect([again.status, again.location]).toEqual([303, `/agency/returns/${thisYear}.S2/sent`]);
    // Back to the form, and Save: the typing is shown to copy, with where the sent return is.
    const saved = await post(`/agency/returns/${thisYear}.S1`, `/agency/returns/${thisYear}.S2`, {
      version,
      narrative: 'An afterthought',
      action: 'save',
    });
    expect(saved.status).toBe(409);
    expect(saved.html).toContain('You have already sent this return');
    expect(saved.html).toMatch(/<textarea[^>]*readonly[^>]*>An afterthought<\/textarea>/);
  });

  it('keeps the lines of a reason in what changed meanwhile, when a save was too late', async () => {
    const path = `/agency/returns/${thisYear}.S3`;
    const opened = versionOn((await page(path)).html);
    const reason = 'Staff away in March.\r\nThe <i>figures</i> come in April.';
    const extended = await call('POST', `/returns/${thisYear}.S3/extend`, as.coordinator, {
      dueDate: '2030-05-31',
      reason,
    });
    expect(extended.status).toBe(200);
    const stale = await post(path, path, { version: opened, narrative: 'Mine', action: 'save' });
    expect(stale.status).toBe(409);
    expect(stale.html).toContain(
      'Deadline moved to 31 May 2030: Staff away in March.<br>The &lt;i&gt;figures&lt;/i&gt; come in April.: ',
    );
  });

  it('tags a return sent back as Sent back on the task list, waiting on the lead', async () => {
    const reason = 'Add the baseline.\nAnd name the schemes.';
    expect((await call('POST', `/returns/${thisYear}.S2/send-back`, as.reviewer, { reason })).status).toBe(
      200,
    );
    // The reason is on every step, each of its lines a paragraph as the reviewer wrote it.
    for (const step of ['', '/tables', '/case-studies', '/check']) {
      const { html } = await page(`/agency/returns/${thisYear}.S2${step}`);
      const banner = html.slice(html.indexOf('id="sent-back"'));
      expect([step, banner.slice(0, 1500)]).toEqual([
        step,
        expect.stringMatching(
          /<p class="govuk-body">Add the baseline.<\/p><p class="govuk-body">And name the schemes.<\/p>/,
        ),
      ]);
    }
    const tasks = (await page(`/agency/cycles/${thisYear}`)).html;
    const s2 = tasks.slice(tasks.indexOf(`${thisYear}.S2`));
    expect(s2.slice(0, s2.indexOf('</li>'))).toMatch(/govuk-tag--orange">\s*Sent back/);
    expect(tasks).toContain('You have sent 0 of 3.');
    // Grouped by what waits on the lead: the return sent back first, under its own heading, then the rest.
    const groups = [
      ...tasks.matchAll(/<h2 class="govuk-heading-m" id="tasks-[^"]+">([^<]+)<\/h2>([\s\S]*?)<\/ul>/g),
    ].map((m) => [m[1], [...m[2].matchAll(/>\s*(S\d):/g)].map((r) => r[1])]);
    expect(groups).toEqual([
      ['Sent back for changes', ['S2']],
      ['To do', ['S1', 'S3']],
    ]);
  });

  it("says the reviewer's reason under each return sent back on the task list: escaped, its lines kept, shortened when long", async () => {
    const hintOf = (html: string, ref: string) => {
      const item = html.slice(html.indexOf(`/agency/returns/${thisYear}.${ref}"`));
      return /class="govuk-task-list__hint">([\s\S]*?)<\/div>/
        .exec(item.slice(0, item.indexOf('</li>')))![1]
        .trim();
    };
    // Who sent it back and when, from its history, then the reason.
    expect(hintOf((await page(`/agency/cycles/${thisYear}`)).html, 'S2')).toMatch(
      new RegExp(
        '^Due 30 April 2030 - sent back for changes<span class="govuk-!-display-block govuk-!-margin-top-1 app-break-words">' +
          'reviewer \\(reviewer\\) asked for changes, \\d+ \\w+ \\d{4} at (\\d+:\\d\\d[ap]m|midnight|midday): ' +
          'Add the baseline\\.<br>And name the schemes\\.</span>$',
      ),
    );
    // Sent again, and sent back again with a long reason pasted from an email.
    const me = as.lead('sevenoaks-csp');
    expect(
      (await call('PUT', `/returns/${thisYear}.S2/draft`, me, content('Baseline 2019: 80%.'))).status,
    ).toBe(200);
    expect((await call('POST', `/returns/${thisYear}.S2/submit`, me)).status).toBe(200);
    const reason = `Please check <script>alert(1)</script> & the NEET table.\r\n\r\n${'The figures do not match the county return. '.repeat(10)}`;
    expect((await call('POST', `/returns/${thisYear}.S2/send-back`, as.reviewer, { reason })).status).toBe(
      200,
    );
    const tasks = (await page(`/agency/cycles/${thisYear}`)).html;
    const hint = hintOf(tasks, 'S2');
    expect(hint).toMatch(
      /asked for changes, [^<]*: Please check &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; the NEET table\.<br>The figures do not match/,
    );
    expect(hint).toMatch(/ return\. The…<\/span>$/);
    expect(hint.length).toBeLessThan(500);
    expect(tasks).not.toContain('<script>alert(1)');
    // Only the return sent back says so.
    expect(hintOf(tasks, 'S1')).toBe('Due 30 April 2030');
  });

  it('keeps the typing, to copy, when the cycle closes mid-edit', async () => {
    const path = `/agency/returns/${thisYear}.S3`;
    const opened = versionOn((await page(path)).html);
    const closed = await call('POST', `/cycles/${thisYear}/close`, as.coordinator, {
      force: true,
      reason: 'Year end',
    });
    expect(closed.status).toBe(200);
    const late = await post(path, path, {
      version: opened,
      rag: 'red',
      narrative: 'Typed while it closed',
      action: 'save',
    });
    expect(late.status).toBe(409);
    expect(late.html).toContain('This monitoring cycle has closed');
    expect(late.html).toContain('What you typed (not saved)');
    expect(late.html).toMatch(/<textarea[^>]*readonly[^>]*>Typed while it closed<\/textarea>/);
    expect(late.html).not.toContain('name="action" value="save"');
    // Opening the form now says so too, with no form to fill in.
    const now = await page(path);
    expect(now.html).toContain('This monitoring cycle has closed');
    expect(now.html).not.toContain('Save as draft');
  });

  it('gives back what was typed when the link was opened again in another tab while the form was open', async () => {
    // The lead's second tab opened the emailed link: a new session, so the first tab's form token is stale.
    const again = await product.api.get(AuthService).createLinkSession({
      linkId: 'test-sevenoaks-csp',
      partnershipId: 'sevenoaks-lsp',
      cycleId: null,
      agencyId: 'sevenoaks-csp',
      contactEmail: lead.email,
    });
    const path = `/agency/returns/${lastYear}.S2`;
    const stale = await postPageForm(product.baseUrl, {
      from: path,
      headers: as.lead('sevenoaks-csp'),
      postWith: { cookie: `pr_session=${again}`, origin: product.baseUrl },
      fields: { version: '1', rag: 'amber', narrative: 'An hour of careful typing', action: 'save' },
    });
    expect(stale.status).toBe(403);
    expect(stale.html).toContain('The form expired');
    expect(stale.html).toContain('What you typed has not been saved');
    expect(stale.html).toMatch(/<textarea[^>]*readonly[^>]*>An hour of careful typing<\/textarea>/);
    expect(stale.html).toMatch(/<textarea[^>]*readonly[^>]*>Amber: some concern<\/textarea>/);
    expect(stale.html).toContain(`<a class="govuk-link" href="${path}">Open the page again</a>`);
    expect(stale.html).not.toContain('reload the page');
    expect((await call('GET', `/returns/${lastYear}.S2`, as.coordinator)).body.status).toBe('requested');
  });

  it('tells a lead whose session ended so, with the way back, and gives back what they typed', async () => {
    const auth = product.api.get(AuthService);
    const session = await auth.createLinkSession({
      linkId: 'test-ended',
      partnershipId: 'sevenoaks-lsp',
      cycleId: null,
      agencyId: 'sevenoaks-csp',
      contactEmail: lead.email,
    });
    const headers = { cookie: `pr_session=${session}`, origin: product.baseUrl };
    const path = `/agency/returns/${lastYear}.S2`;
    const { html, response } = await page(path, headers);
    const token = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const csrfCookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
    // The session runs out while the lead types.
    await product.db.dataSource.query(`UPDATE sessions SET expires_at = now() - interval '1 minute'`);
    for (const cookie of [`${headers.cookie}; ${csrfCookie}`, csrfCookie]) {
      // With the cookie still sent, and with it gone from the browser too.
      const ended = await fetch(`${product.baseUrl}${path}`, {
        method: 'POST',
        headers: {
          cookie,
          origin: product.baseUrl,
          accept: 'text/html',
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          _csrf: token,
          version: '1',
          narrative: 'Words worth keeping',
          action: 'save',
        }),
        redirect: 'manual',
      });
      const text = await ended.text();
      expect(ended.status).toBe(401);
      expect(text).toContain('Your session has ended');
      expect(text).toContain('Words worth keeping');
      expect(text).toContain('click the link in the most recent email');
      expect(text).not.toContain('/sign-in?');
    }
    const get = await page(path, { cookie: headers.cookie });
    expect(get.status).toBe(401);
    expect(get.html).toContain('Your session has ended');
    expect((await call('GET', `/returns/${lastYear}.S2`, as.coordinator)).body.status).toBe('requested');
  });
});
