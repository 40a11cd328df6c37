import { AuthService } from '../libs/auth/src/index.js';
import {
  as,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from './support/product.js';
import { postPageForm } from './support/page-form.js';

/**
 * Issue 13 point 5: a reviewer's pages. A success banner after Approve and Send back; the return compared with
 * last cycle's approved one, words and cells marked; a resubmission's changes and the earlier reason at the top;
 * the queue filtered by theme, agency and state with a GET form.
 */
describe('reviewer pages: banners, marked changes, resubmissions and the filtered queue (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let lastYear: string;
  let thisYear: string;
  const plan = sevenoaksPlan();
  const csp = plan.agencies.find((a) => a.id === 'sevenoaks-csp')!;
  const hat = plan.agencies.find((a) => a.id === 'sevenoaks-hat')!;
  const table = (rows: string[][]) => ({
    caption: 'Actions achieved',
    header: ['Year', 'Achieved', 'Target'],
    rows,
  });

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

  async function submit(returnId: string, agencyId: string, content: Record<string, unknown>) {
    const me = as.lead(agencyId);
    expect((await call('PUT', `/returns/${returnId}/draft`, me, content)).status).toBe(200);
    expect((await call('POST', `/returns/${returnId}/submit`, me)).status).toBe(200);
  }

  beforeAll(async () => {
    product = await startProduct('review_pages');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    lastYear = await cycle('Year 1 2019/20', '2019-04-01', '2020-03-31', ['S1']);
    await submit(`${lastYear}.S1`, 'sevenoaks-csp', {
      rag: 'amber',
      narrative: 'Most actions in the plan were achieved this year.',
      dot: 'improving',
      tables: [table([['2019/20', '80%', '85%']])],
    });
    expect((await call('POST', `/returns/${lastYear}.S1/approve`, as.reviewer)).status).toBe(200);
    thisYear = await cycle('Year 2 2020/21', '2020-04-01', '2021-03-31', ['S1', 'S2', 'H1']);
    await submit(`${thisYear}.S1`, 'sevenoaks-csp', {
      rag: 'green',
      narrative: 'Nearly all actions in the plan were achieved this year.',
      dot: 'improving',
      tables: [
        table([
          ['2019/20', '80%', '85%'],
          ['2020/21', '88%', '85%'],
        ]),
      ],
    });
    await submit(`${thisYear}.S2`, 'sevenoaks-csp', {
      rag: 'green',
      narrative: 'Crime stays low.',
      dot: 'no-change',
    });
    await submit(`${thisYear}.H1`, 'sevenoaks-hat', { rag: 'amber', narrative: 'Plan drafted.', dot: 'new' });
  }, 90_000);
  afterAll(() => product.stop());

  async function page(path: string, headers: Record<string, string> = as.reviewer) {
    const response = await fetch(`${product.baseUrl}${path}`, {
      headers: { ...headers, accept: 'text/html' },
      redirect: 'manual',
    });
    return { status: response.status, html: await response.text(), response };
  }

  /** Posts a page's form as the browser would: with the CSRF token and cookie that page handed out. */
  const post = (formPath: string, action: string, fields: Record<string, string>) =>
    postPageForm(product.baseUrl, {
      from: formPath,
      to: action,
      headers: as.reviewer,
      fields: (html) => ({ version: /name="version" value="(\d+)"/.exec(html)?.[1] ?? '', ...fields }),
    });

  /** The measure refs of the queue's cards, in order. */
  const cards = (html: string) =>
    [...html.matchAll(/govuk-summary-card__title">\s*([A-Z]\d+): /g)].map((m) => m[1]);

  it('marks the changes from last cycle word by word and cell by cell, with hidden words', async () => {
    const { status, html } = await page(`/review/returns/${thisYear}.S1`);
    expect(status).toBe(200);
    expect(html).toContain('Compared with Year 1 2019/20');
    const compared = html.slice(html.indexOf('id="compared"'));
    // Word by word: only "Most" went, "Nearly all" came; the rest of the sentence is kept unmarked.
    expect(compared).toMatch(
      /<del class="app-diff-removed"><span class="govuk-visually-hidden">removed: <\/span>Most<\/del>/,
    );
    expect(compared).toMatch(
      /<ins class="app-diff-added"><span class="govuk-visually-hidden">added: <\/span>Nearly all<\/ins>/,
    );
    expect(compared).toContain(' actions in the plan were achieved this year.');
    // RAG: amber taken out, green put in.
    expect(compared).toMatch(
      /removed: <\/span>Amber: some concern<\/del> <ins[^>]*><span[^>]*>added: <\/span>Green: on target/,
    );
    // Cell by cell: the new row is marked added, the kept row is not marked.
    expect(compared).toMatch(/app-diff-row--added">[\s\S]*?added: <\/span>2020\/21/);
    expect(compared).toMatch(/app-diff-row--same"><td class="govuk-table__cell">2019\/20<\/td>/);
    // Last cycle's return is one click away.
    expect(compared).toContain('The return approved in Year 1 2019/20');
    // A first submission has no resubmission block.
    expect(html).not.toContain('Sent back and submitted again');
  });

  it('filters the queue by theme, agency and state with a GET form', async () => {
    const all = await page('/review');
    expect(all.html).toContain('<form method="get" action="/review"');
    expect(cards(all.html).sort()).toEqual(['H1', 'S1', 'S2']);
    expect(all.html).toContain('30 April 2030');
    expect(cards((await page('/review?agency=sevenoaks-hat')).html)).toEqual(['H1']);
    expect(cards((await page('/review?theme=safe-communities')).html).sort()).toEqual(['S1', 'S2']);
    const approved = await page('/review?state=approved');
    expect(cards(approved.html)).toEqual(['S1']);
    expect(approved.html).toContain('<option value="approved" selected>');
    const none = await page('/review?state=sent-back&agency=sevenoaks-csp');
    expect(cards(none.html)).toEqual([]);
    expect(none.html).toContain('No returns match these filters.');
    // An unknown state is the default, not an error.
    expect(cards((await page('/review?state=nonsense')).html).sort()).toEqual(['H1', 'S1', 'S2']);
  });

  it('shows a success banner after Approve and after Send back, and an error page for no reason', async () => {
    const approved = await post(
      `/review/returns/${thisYear}.S1`,
      `/review/returns/${thisYear}.S1/approve`,
      {},
    );
    expect([approved.status, approved.location]).toEqual([303, `/review?approved=${thisYear}.S1`]);
    const afterApprove = await page(approved.location!);
    expect(afterApprove.html).toContain('govuk-notification-banner--success');
    expect(afterApprove.html).toContain(`Approved S1 for ${csp.name}`);
    expect(cards(afterApprove.html)).not.toContain('S1');

    const empty = await post(`/review/returns/${thisYear}.H1`, `/review/returns/${thisYear}.H1/send-back`, {
      reason: '  ',
    });
    expect(empty.status).toBe(400);
    expect(empty.html).toMatch(/<title>Error: /);
    expect(empty.html).toContain('href="#reason"');

    const sentBack = await post(
      `/review/returns/${thisYear}.H1`,
      `/review/returns/${thisYear}.H1/send-back`,
      {
        reason: 'Say which actions the plan covers',
      },
    );
    expect([sentBack.status, sentBack.location]).toEqual([303, `/review?sent-back=${thisYear}.H1`]);
    const afterSendBack = await page(sentBack.location!);
    expect(afterSendBack.html).toContain(`Sent H1 back to ${hat.name}`);
    expect(cards((await page('/review?state=sent-back')).html)).toEqual(['H1']);
    // The flags only confirm what happened: a return still waiting gets no banner.
    const claimed = await page(`/review?approved=${thisYear}.S2`);
    expect(claimed.html).not.toContain('govuk-notification-banner--success');
  });

  it('puts the earlier reason and the changes since it was sent back at the top of a resubmission', async () => {
    await submit(`${thisYear}.H1`, 'sevenoaks-hat', {
      rag: 'amber',
      narrative: 'Plan drafted, covering housing and activity.',
      dot: 'new',
    });
    const { html } = await page(`/review/returns/${thisYear}.H1`);
    const top = html.indexOf('Sent back and submitted again');
    expect(top).toBeGreaterThan(0);
    expect(html.slice(top)).toMatch(
      /It was sent back because:<\/p>\s*<p class="govuk-body">Say which actions the plan covers<\/p>/,
    );
    expect(html).toMatch(/reviewer \(reviewer\), [^<]*version \d+/);
    const changes = html.indexOf('Changed since it was sent back');
    const whole = html.indexOf('>This return<');
    expect(changes).toBeGreaterThan(top);
    expect(whole).toBeGreaterThan(changes);
    expect(html.slice(changes, whole)).toMatch(/added: <\/span>, covering housing and activity<\/ins>/);
  });

  // Compared as typed, a narrative only pasted again from Word (tabs, "•", other spaces) showed as changed, and a
  // real change showed the marks typed ("- ", tabs, "**") rather than the words the report prints.
  it('compares a resubmission as the reader sees it: a narrative only pasted again is unchanged, a real change reads as printed', async () => {
    const year = await cycle('Year 4 2022/23', '2022-04-01', '2023-03-31', ['S3', 'S4']);
    const typed =
      'This year we:\n- Ran 12 patrols in Swanley\n  - by night\n- Sent 42 letters\n\n---\n\nFigures from the **CSP**.';
    const pasted =
      'This year we:\r\n•\tRan 12 patrols  in Swanley \r\no\tby night\r\n•\tSent 42\tletters\r\n\r\n---\r\n\r\n\tFigures from the CSP.  ';
    for (const ref of ['S3', 'S4']) {
      await submit(`${year}.${ref}`, 'sevenoaks-csp', { rag: 'green', narrative: typed, dot: 'improving' });
      const sentBack = await post(
        `/review/returns/${year}.${ref}`,
        `/review/returns/${year}.${ref}/send-back`,
        {
          reason: 'Say where the patrols were',
        },
      );
      expect(sentBack.status).toBe(303);
    }
    await submit(`${year}.S3`, 'sevenoaks-csp', { rag: 'green', narrative: pasted, dot: 'improving' });
    const same = (await page(`/review/returns/${year}.S3`)).html;
    const sinceSame = same.slice(same.indexOf('id="changes-since-sent-back"'), same.indexOf('>This return<'));
    expect(sinceSame).toContain('Nothing changed since it was sent back.');

    await submit(`${year}.S4`, 'sevenoaks-csp', {
      rag: 'green',
      narrative: pasted.replace('12 patrols', '14 patrols'),
      dot: 'improving',
    });
    const changed = (await page(`/review/returns/${year}.S4`)).html;
    const since = changed.slice(
      changed.indexOf('id="changes-since-sent-back"'),
      changed.indexOf('>This return<'),
    );
    expect(since).toMatch(/removed: <\/span>12<\/del><ins[^>]*><span[^>]*>added: <\/span>14<\/ins>/);
    // The words as the report prints them: bullets as "•", a nested one indented, no marks typed, no tabs.
    expect(since).toContain('This year we:\n\n• Ran ');
    expect(since).toContain(
      ' patrols in Swanley\n  • by night\n• Sent 42 letters\n\n---\n\nFigures from the CSP.',
    );
    expect(since).not.toMatch(/\t|- Ran|\*\*CSP/);
  });

  // The report reads a case study's section as Markdown; the reviewer's page printed it as typed ("- Jane").
  it("shows a case study's sections as the report prints them, sanitised", async () => {
    const year = await cycle('Year 3 2021/22', '2021-04-01', '2022-03-31', ['S3']);
    await submit(`${year}.S3`, 'sevenoaks-csp', {
      rag: 'green',
      narrative: 'Incidents stayed low.',
      dot: 'improving',
      caseStudies: [
        {
          title: 'Back into learning',
          agency: 'Community Safety Partnership',
          sections: [
            {
              heading: 'Who helped',
              body: 'Two mentors:\n\n- Jane\n- Tom\n\nThen **college**. <img src=x onerror=alert(1)>',
            },
          ],
        },
      ],
    });
    const { html } = await page(`/review/returns/${year}.S3`);
    const study = html.slice(html.indexOf('Back into learning'), html.indexOf('Back into learning') + 800);
    expect(study).toMatch(/<ul>\s*<li>Jane<\/li>\s*<li>Tom<\/li>\s*<\/ul>/);
    expect(study).toContain('<strong>college</strong>');
    expect(study).not.toContain('- Jane');
    expect(html).not.toMatch(/<img[^>]*onerror/);
  });

  it('keeps the lines of a reason typed on several lines wherever it is shown again, escaped', async () => {
    // As a browser sends a textarea: CRLF line endings, a blank line between two paragraphs.
    const reason =
      'Add the figures for each quarter.\r\n\r\nAnd name the <b>schemes</b>:\r\nthe two new ones.';
    const sentBack = await post(
      `/review/returns/${thisYear}.S2`,
      `/review/returns/${thisYear}.S2/send-back`,
      { reason },
    );
    expect(sentBack.status).toBe(303);
    await submit(`${thisYear}.S2`, 'sevenoaks-csp', {
      rag: 'green',
      narrative: 'Crime stays low: Q1 3.',
      dot: 'no-change',
    });
    const { html } = await page(`/review/returns/${thisYear}.S2`);
    const banner = html.slice(
      html.indexOf('id="resubmission"'),
      html.indexOf('id="changes-since-sent-back"'),
    );
    // Each line of it a paragraph of its own, not one run-on line; the markup typed is text.
    expect(banner).toMatch(
      /It was sent back because:<\/p>\s*<p class="govuk-body">Add the figures for each quarter.<\/p><p class="govuk-body">And name the &lt;b&gt;schemes&lt;\/b&gt;:<\/p><p class="govuk-body">the two new ones.<\/p>/,
    );
    // The history's line breaks them too, keeping the blank line between its paragraphs.
    expect(html).toContain(
      'Sent back: Add the figures for each quarter.<br><br>And name the &lt;b&gt;schemes&lt;/b&gt;:<br>the two new ones.',
    );
    expect(html).not.toContain('<b>schemes');
  });

  it('gives a reviewer back the reason they typed when their session ended or they signed in again meanwhile', async () => {
    const auth = product.api.get(AuthService);
    const signIn = async () => `pr_session=${(await auth.signIn(STAFF.reviewer, PASSWORD))!.sessionId}`;
    const path = `/review/returns/${thisYear}.S2`;
    const reason = 'The numbers for each quarter, please, and which schemes they came from';

    // Signed in again in another tab: the form's token belongs to the session before.
    const again = await postPageForm(product.baseUrl, {
      from: path,
      to: `${path}/send-back`,
      headers: { cookie: await signIn() },
      postWith: { cookie: await signIn() },
      fields: { version: '99', reason },
    });
    expect(again.status).toBe(403);
    expect(again.html).toContain('The form expired');
    expect(again.html).toMatch(new RegExp(`<textarea[^>]*readonly[^>]*>${reason}</textarea>`));
    expect(again.html).toContain(`href="${path}">Open the page again</a>`);

    // The session ran out while the reason was written: signing in comes back to the return.
    const ended = await postPageForm(product.baseUrl, {
      from: path,
      to: `${path}/send-back`,
      headers: { cookie: await signIn() },
      fields: async () => {
        await product.db.dataSource.query(`UPDATE sessions SET expires_at = now() - interval '1 minute'`);
        return { version: '99', reason };
      },
    });
    expect(ended.status).toBe(401);
    expect(ended.html).toContain('You need to sign in');
    expect(ended.html).toMatch(new RegExp(`<textarea[^>]*readonly[^>]*>${reason}</textarea>`));
    expect(ended.html).toContain(`href="/sign-in?next=${encodeURIComponent(path)}"`);
    expect((await call('GET', `/returns/${thisYear}.S2`, as.coordinator)).body.status).toBe('submitted');
  });
});
