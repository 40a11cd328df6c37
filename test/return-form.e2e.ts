import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { postPageForm } from './support/page-form.js';

/**
 * Issue 13 point 3: the return form in steps (rating and progress, tables, case studies, check answers), with
 * GOV.UK errors in plain words, tables and case studies edited field by field without JavaScript, and check
 * answers showing every part with a Change link.
 */
describe('return form: steps, errors in words, tables and case studies field by field (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  // Signed in once the product has started.
  let lead: Record<string, string>;

  beforeAll(async () => {
    product = await startProduct('return_form');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    lead = as.lead('sevenoaks-csp');
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    cycleId = drafted.body.id;
    expect(
      (await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1', 'S2'] })).status,
    ).toBe(200);
  }, 60_000);
  afterAll(() => product.stop());

  async function page(path: string) {
    const response = await fetch(`${product.baseUrl}${path}`, {
      headers: { ...lead, accept: 'text/html' },
      redirect: 'manual',
    });
    return { status: response.status, html: await response.text(), response };
  }

  /** Posts a step's form as a browser would, with the CSRF token and cookie of the page it came from. */
  const post = (path: string, fields: Record<string, string>, meanwhile?: () => Promise<unknown>) =>
    postPageForm(product.baseUrl, {
      from: path,
      headers: lead,
      fields: async (html) => {
        await meanwhile?.();
        return { version: /name="version" value="(\d+)"/.exec(html)?.[1] ?? '', ...fields };
      },
    });

  const stored = async (ref: string) =>
    (await call('GET', `/returns/${cycleId}.${ref}`, as.coordinator)).body;
  const ids = (html: string) => [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  const unescape = (html: string) =>
    html
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');

  it('shows each broken rule in the summary, linked to the field, and inline, with "Error:" in the title, keeping the typing', async () => {
    const path = `/agency/returns/${cycleId}.S1`;
    const opened = await page(path);
    expect(opened.html).toContain('Direction of travel (optional)');
    expect(opened.html).toMatch(/data-maxlength="50000"/);
    expect(opened.html).toMatch(/data-maxlength="5000"/);
    expect(opened.html).toContain('You can enter up to 50,000 characters');

    const typed = `My careful words ${'x'.repeat(50_000)}`;
    const wrong = await post(path, {
      rag: 'purple',
      narrative: typed,
      comments: 'Kept comment',
      action: 'save',
    });
    expect(wrong.status).toBe(400);
    expect(wrong.html).toMatch(/<title>Error: /);
    const summary = /<div class="govuk-error-summary"[\s\S]*?<\/ul>/.exec(wrong.html)![0];
    expect(summary).toContain('href="#rag"');
    expect(summary).toContain('Select a RAG rating: green, amber or red');
    expect(summary).toContain('href="#narrative"');
    expect(summary).toContain('Progress narrative must be 50,000 characters or fewer');
    // Every link in the summary goes to a field on the page.
    for (const [, id] of summary.matchAll(/href="#([^"]+)"/g)) expect(ids(wrong.html)).toContain(id);
    expect(wrong.html).toMatch(
      /class="govuk-error-message"[^>]*>\s*<span class="govuk-visually-hidden">Error:<\/span> Progress narrative must be 50,000/,
    );
    expect(wrong.html).not.toMatch(/narrative must be shorter|must be one of|rows must be lists/);
    expect(wrong.html).toContain(typed);
    expect(wrong.html).toContain('Kept comment');
    expect((await stored('S1')).status).toBe('requested');
  });

  it('saves the first step and goes on to tables; "Save and come back later" stays, saying it was saved', async () => {
    const path = `/agency/returns/${cycleId}.S1`;
    const later = await post(path, { rag: 'amber', narrative: 'Half done', action: 'save' });
    expect(later.status).toBe(303);
    expect(later.location).toBe(`${path}?saved=1`);
    expect((await page(later.location!)).html).toContain('Your draft has been saved');
    const next = await post(path, {
      rag: 'green',
      narrative: 'The plan is on target.',
      dot: 'improving',
      comments: 'Above the 85% target',
      action: 'continue',
    });
    expect(next.status).toBe(303);
    expect(next.location).toBe(`${path}/tables`);
    expect(await stored('S1')).toMatchObject({
      content: { rag: 'green', narrative: 'The plan is on target.' },
    });
  });

  it('says there was nothing to save, not "Your draft has been saved", when "Save and come back later" is pressed on a return not started', async () => {
    const path = `/agency/returns/${cycleId}.S2`;
    for (const [step, fields] of [
      ['', { narrative: '', comments: '' }],
      ['/tables', {}],
      ['/case-studies', {}],
    ] as const) {
      const later = await post(`${path}${step}`, { ...fields, action: 'save' });
      expect([later.status, later.location]).toEqual([303, `${path}${step}?unchanged=1`]);
      const shown = await page(later.location!);
      expect(shown.html).not.toContain('Your draft has been saved');
      expect(shown.html).toContain(
        'Nothing has been typed in this return yet, so there was nothing to save. You can leave now and come back to it from the link in your email.',
      );
    }
    expect((await product.store.readStream(`return:${cycleId}.S2`)).map((e) => e.type)).toEqual([
      'ReturnRequested',
    ]);
  });

  it('records nothing when "Save and continue" is pressed on a step left as it was, and goes on', async () => {
    const path = `/agency/returns/${cycleId}.S2`;
    const eventsOf = async () => (await product.store.readStream(`return:${cycleId}.S2`)).map((e) => e.type);
    // Nothing typed on a return not started: its empty fields as the browser sends them.
    const rating = await post(path, { narrative: '', comments: '', action: 'continue' });
    expect([rating.status, rating.location]).toEqual([303, `${path}/tables`]);
    const tables = await post(`${path}/tables`, { action: 'continue' });
    expect([tables.status, tables.location]).toEqual([303, `${path}/case-studies`]);
    const caseStudies = await post(`${path}/case-studies`, { action: 'continue' });
    expect([caseStudies.status, caseStudies.location]).toEqual([303, `${path}/check`]);
    expect(await eventsOf()).toEqual(['ReturnRequested']);
    expect((await stored('S2')).status).toBe('requested');
    // A draft, its step saved again as it stands (line breaks typed as a browser sends them): still one draft.
    const typed = { narrative: '', comments: 'Figures from\r\n\r\nthe CSP.', action: 'continue' };
    expect((await post(path, typed)).status).toBe(303);
    expect((await post(path, typed)).location).toBe(`${path}/tables`);
    expect(await eventsOf()).toEqual(['ReturnRequested', 'ReturnDraftSaved']);
  });

  it('says nothing has changed since the last save when a draft is saved again as it stands, and saved when it changed', async () => {
    const path = `/agency/returns/${cycleId}.S2`;
    const again = await post(path, {
      narrative: '',
      comments: 'Figures from\r\n\r\nthe CSP.',
      action: 'save',
    });
    expect(again.location).toBe(`${path}?unchanged=1`);
    const shown = (await page(again.location!)).html;
    expect(shown).not.toContain('Your draft has been saved');
    expect(shown).toContain(
      'Nothing has changed since you last saved. You can leave now and come back to it from the link in your email.',
    );
    const tables = await post(`${path}/tables`, { action: 'save' });
    expect(tables.location).toBe(`${path}/tables?unchanged=1`);
    expect((await page(tables.location!)).html).toContain('Nothing has changed since you last saved.');
    const changed = await post(path, {
      // The narrative left empty: check answers asks for it below.
      narrative: '',
      comments: 'Figures from the CSP, checked.',
      action: 'save',
    });
    expect(changed.location).toBe(`${path}?saved=1`);
    const saved = (await page(changed.location!)).html;
    expect(saved).toContain('Your draft has been saved');
    expect(saved).not.toContain('Nothing has changed');
  });

  it('adds and removes tables, rows and columns with plain form buttons, keeping what was typed, then saves', async () => {
    const path = `/agency/returns/${cycleId}.S1/tables`;
    const empty = await page(path);
    expect(empty.html).toContain('Add a table');
    expect(empty.html).not.toContain('id="table-0-caption"');

    const added = await post(path, { action: 'add-table' });
    expect(added.status).toBe(200);
    expect(ids(added.html)).toEqual(
      expect.arrayContaining(['table-0-caption', 'table-0-head-2', 'table-0-row-0-cell-2']),
    );

    const typed = {
      'table-0-caption': 'NEET by district',
      'table-0-head-0': 'District',
      'table-0-head-1': 'Mar 2019',
      'table-0-head-2': '',
      'table-0-row-0-cell-0': 'Sevenoaks',
      'table-0-row-0-cell-1': '2.1%',
      'table-0-row-0-cell-2': '',
    };
    const moreRows = await post(path, { ...typed, action: 'add-row-0' });
    expect(moreRows.status).toBe(200);
    expect(ids(moreRows.html)).toContain('table-0-row-1-cell-0');
    expect(moreRows.html).toContain('value="Sevenoaks"');
    expect(moreRows.html).toContain('value="NEET by district"');
    const fewerColumns = await post(path, { ...typed, action: 'remove-column-0' });
    expect(ids(fewerColumns.html)).not.toContain('table-0-head-2');
    const fewerRows = await post(path, {
      ...typed,
      'table-0-row-1-cell-0': 'Swanley',
      action: 'remove-row-0-0',
    });
    expect(fewerRows.html).not.toContain('value="Sevenoaks"');
    expect(fewerRows.html).toContain('value="Swanley"');
    // Nothing was saved by those buttons.
    expect((await stored('S1')).content.tables ?? []).toEqual([]);

    const tooLong = await post(path, {
      ...typed,
      'table-0-row-0-cell-1': 'y'.repeat(501),
      action: 'continue',
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.html).toMatch(/<title>Error: /);
    expect(tooLong.html).toContain('href="#table-0-row-0-cell-1"');
    expect(tooLong.html).toContain('Cell 2 in row 1 of table 1 must be 500 characters or fewer');
    expect(tooLong.html).toContain('y'.repeat(501));

    const saved = await post(path, {
      ...typed,
      'table-0-row-1-cell-0': '',
      'table-0-row-1-cell-1': '',
      'table-0-row-2-cell-0': 'Swanley',
      'table-0-row-2-cell-1': '1.9%',
      action: 'continue',
    });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/agency/returns/${cycleId}.S1/case-studies`);
    const content = (await stored('S1')).content;
    expect(content.tables).toEqual([
      {
        caption: 'NEET by district',
        header: ['District', 'Mar 2019'],
        rows: [
          ['Sevenoaks', '2.1%'],
          ['Swanley', '1.9%'],
        ],
      },
    ]);
    // Saving tables kept what the first step saved.
    expect(content.narrative).toBe('The plan is on target.');
    const back = await page(path);
    expect(back.html).toContain('How your tables will look in the report');
    expect(back.html).toMatch(/<td class="govuk-table__cell">Swanley<\/td>/);
  });

  it('adds a table pasted from a spreadsheet beside the others, to check before saving, and says what it cannot take', async () => {
    const path = `/agency/returns/${cycleId}.S2/tables`;
    expect((await page(path)).html).toContain('Paste a table from a spreadsheet');
    // As Excel copies a range: tabs between cells, CRLF after each row.
    const pasted = await post(path, {
      'table-paste': 'District\tNEET\tNot known\r\nSevenoaks\t2.1%\t1.0%\r\nKent\t2.6%\t1.4%\r\n',
      action: 'paste-table',
    });
    expect(pasted.status).toBe(200);
    expect(pasted.html).toContain('id="table-0-head-2" name="table-0-head-2" type="text" value="Not known"');
    expect(pasted.html).toContain(
      'id="table-0-row-1-cell-0" name="table-0-row-1-cell-0" type="text" value="Kent"',
    );
    // Nothing is saved until the lead saves the step.
    expect((await stored('S2')).content?.tables ?? []).toEqual([]);

    const tooWide = await post(path, {
      'table-paste': Array.from({ length: 31 }, (_, i) => `Column ${i + 1}`).join('\t'),
      action: 'paste-table',
    });
    expect(tooWide.status).toBe(400);
    expect(tooWide.html).toContain('href="#table-paste"');
    expect(tooWide.html).toContain('at most 30 columns and 500 rows under its headings');
    // What was pasted comes back to fix.
    expect(tooWide.html).toContain('Column 31</textarea>');

    // A return already holding its most tables: the paste is refused, and kept for when one is removed.
    const twenty = Object.fromEntries(
      Array.from({ length: 20 }, (_, i) => [`table-${i}-head-0`, `Heading ${i + 1}`]),
    );
    const tooMany = await post(path, {
      ...twenty,
      'table-paste': 'Area\tRate\r\nKent\t2.6%',
      action: 'paste-table',
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.html).toContain('A return can have at most 20 tables');
    expect(tooMany.html).toContain('Kent\t2.6%</textarea>');
  });

  it('edits case studies section by section, then check answers shows every part with Change links', async () => {
    const path = `/agency/returns/${cycleId}.S1/case-studies`;
    const added = await post(path, { action: 'add-case-study' });
    expect(ids(added.html)).toEqual(
      expect.arrayContaining([
        'case-0-title',
        'case-0-agency',
        'case-0-section-0-heading',
        'case-0-section-0-body',
      ]),
    );
    const typed = {
      'case-0-title': 'A family helped',
      'case-0-agency': 'Sevenoaks CSP',
      'case-0-section-0-heading': 'The beginning',
      'case-0-section-0-body': 'They came to us.',
    };
    const moreSections = await post(path, { ...typed, action: 'add-section-0' });
    expect(ids(moreSections.html)).toContain('case-0-section-1-body');
    expect(moreSections.html).toContain('They came to us.');
    const done = await post(path, {
      ...typed,
      'case-0-section-1-heading': 'The end',
      'case-0-section-1-body': 'All well now.',
      action: 'continue',
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/agency/returns/${cycleId}.S1/check`);

    const check = unescape((await page(done.location!)).html);
    for (const text of [
      'Green: on target',
      'The plan is on target.',
      'Improving',
      'Above the 85% target',
      'NEET by district',
      'Mar 2019',
      '<td class="govuk-table__cell">1.9%</td>',
      'A family helped',
      'Sevenoaks CSP',
      'The beginning',
      'All well now.',
    ])
      expect(check).toContain(text);
    const changes = [...check.matchAll(/<a class="govuk-link" href="([^"]+)">Change/g)].map((m) => m[1]);
    const form = `/agency/returns/${cycleId}.S1`;
    expect(changes).toEqual([
      `${form}#rag`,
      `${form}#narrative`,
      `${form}#dot`,
      `${form}#comments`,
      `${form}/tables`,
      `${form}/case-studies`,
    ]);
    expect(check).toContain('Submit return');
  });

  it('shows a case study’s section on check answers as the report prints it: its bullets, Word’s too, and bold', async () => {
    const path = `/agency/returns/${cycleId}.S1/case-studies`;
    const done = await post(path, {
      'case-0-title': 'A family helped',
      'case-0-agency': 'Sevenoaks CSP',
      'case-0-section-0-heading': 'The beginning',
      'case-0-section-0-body':
        'They came to us.\n\n- She lived alone\n  - in Swanley\n\n•\tPasted from Word\n\n**Better** now',
      action: 'continue',
    });
    expect(done.location).toBe(`/agency/returns/${cycleId}.S1/check`);
    const check = unescape((await page(done.location!)).html);
    // Printed as typed, "- She lived alone", "•" and "**" showed here but not in the report or to the reviewer.
    expect(check).toMatch(/<li>(<p>)?She lived alone(<\/p>)?\s*<ul>\s*<li>in Swanley<\/li>/);
    expect(check).toMatch(/<li>(<p>)?Pasted from Word(<\/p>)?\s*<\/li>/);
    expect(check).toContain('<strong>Better</strong> now');
    expect(check).not.toContain('- She lived alone');
  });

  it('asks for what submitting needs in plain words, linked to the field', async () => {
    const check = unescape((await page(`/agency/returns/${cycleId}.S2/check`)).html);
    expect(check).toContain('Select a RAG rating');
    expect(check).toContain(`href="/agency/returns/${cycleId}.S2#rag"`);
    expect(check).toContain('Enter the progress narrative');
    expect(check).not.toContain('Submit return');
  });

  it('keeps typed tables when the return changed since the page was opened', async () => {
    const path = `/agency/returns/${cycleId}.S2/tables`;
    const stale = await post(
      path,
      { 'table-0-caption': 'Typed in this tab', 'table-0-head-0': 'A', action: 'continue' },
      // Another tab saves first.
      () => call('PUT', `/returns/${cycleId}.S2/draft`, lead, { rag: 'red', narrative: 'Other tab' }),
    );
    expect(stale.status).toBe(409);
    expect(stale.html).toContain('This return changed after you opened it');
    expect(stale.html).toContain('value="Typed in this tab"');
    expect(JSON.stringify((await stored('S2')).content)).not.toContain('Typed in this tab');
  });

  it('gives back typed table and case study cells, named as a lead counts them, when the session has ended', async () => {
    const path = `/agency/returns/${cycleId}.S2/tables`;
    const { html, response } = await page(path);
    const token = /name="_csrf" value="([^"]+)"/.exec(html)![1];
    const csrfCookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
    // The session cookie is gone from the browser: only the CSRF cookie is sent.
    const ended = await fetch(`${product.baseUrl}${path}`, {
      method: 'POST',
      headers: {
        cookie: csrfCookie,
        origin: product.baseUrl,
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        _csrf: token,
        'table-0-row-1-cell-2': 'A cell worth keeping',
        'case-1-section-0-body': 'A story worth keeping',
        narrative: 'Words worth keeping',
        action: 'continue',
      }).toString(),
      redirect: 'manual',
    });
    const text = await ended.text();
    expect(ended.status).toBe(401);
    expect(text).toContain('Your session has ended');
    expect(text).toMatch(/Table 1: row 2, cell 3\s*<\/label>[\s\S]*?A cell worth keeping/);
    expect(text).toMatch(/Progress this period\s*<\/label>[\s\S]*?Words worth keeping/);
    expect(text).toMatch(/Case study 2: section 1 body\s*<\/label>[\s\S]*?A story worth keeping/);
  });

  it('will not submit a table with nothing in it but its caption, and says which on check answers', async () => {
    // A caption typed into a new table and saved: the empty rows and columns are left out, the caption stays.
    const ref = `${cycleId}.S1`;
    await call('PUT', `/returns/${ref}/draft`, lead, { rag: 'green', narrative: 'On target.' });
    const saved = await post(`/agency/returns/${ref}/tables`, {
      'table-0-caption': 'Table 1 NEET Not knowns',
      'table-0-head-0': '',
      'table-0-row-0-cell-0': '',
      action: 'save',
    });
    expect(saved.status).toBe(303);
    const check = unescape((await page(`/agency/returns/${ref}/check`)).html);
    expect(check).toContain('Table 1 has no headings or cells: fill it in or remove it');
    expect(check).toContain(`href="/agency/returns/${ref}/tables#table-0-caption"`);
    expect(check).not.toContain('Submit return');
    const submitted = await call('POST', `/returns/${ref}/submit`, lead, {});
    expect(submitted.status).toBe(422);
    expect(submitted.body).toMatchObject({
      code: 'table-empty',
      errors: [{ field: 'tables[0]', rule: 'table-empty' }],
    });
  });

  it('keeps the lines of comments and of a rating’s reason typed on several lines on check answers, escaped', async () => {
    const path = `/agency/returns/${cycleId}.S2`;
    const saved = await post(path, {
      rag: 'amber',
      ragReason: 'Police figures late.\r\nSee <b>Q4</b>.',
      narrative: 'Crime stays low.',
      dot: 'no-change',
      comments: 'Second lowest in Kent.\r\n\r\nBased on the Police assessment.',
      action: 'save',
    });
    expect(saved.status).toBe(303);
    const { html } = await page(`${path}/check`);
    // A line a line, as the Word report prints them, not one run-on sentence; the markup typed is text.
    expect(html).toContain('Second lowest in Kent.<br><br>Based on the Police assessment.');
    expect(html).toContain('Police figures late.<br>See &lt;b&gt;Q4&lt;/b&gt;.');
    // And so on what was sent, as the lead, the reviewer and the coordinator read it (one partial).
    expect((await call('POST', `/returns/${cycleId}.S2/submit`, lead, {})).status).toBe(200);
    const sent = (await page(`${path}/sent`)).html;
    expect(sent).toContain('Second lowest in Kent.<br><br>Based on the Police assessment.');
    expect(sent).toContain('Police figures late.<br>See &lt;b&gt;Q4&lt;/b&gt;.');
  });
});
