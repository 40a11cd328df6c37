import { Browser, BrowserContext, Page } from 'playwright-core';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  Product,
  sevenoaksPlan,
  startProduct,
} from '../support/product.js';

/**
 * Issue 13 point 3 in a real browser: an agency lead fills in a return step by step (an error first, then a
 * table and a case study), checks it and submits it; with JavaScript and without it. Every page is checked at
 * 1280 and 320 px: axe finds nothing, nothing scrolls sideways, and a screenshot is kept.
 */
describe('the return form in the browser, at 1280 and 320 px, with and without JavaScript (e2e)', () => {
  let product: Product;
  let browser: Browser;
  let cycleId: string;
  /** The browser context with JavaScript off. */
  let noScript: BrowserContext | undefined;
  const lead = sevenoaksPlan()
    .agencies.find((a) => a.id === 'sevenoaks-csp')!
    .contacts.find((c) => c.role === 'lead')!;

  beforeAll(async () => {
    product = await startProduct('browser_return_form');
    await importSevenoaks(product.store);
    const call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    cycleId = drafted.body.id;
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1', 'S2'] });
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  /** The page at 1280 and 320 px (see checkBothWidths); a page without JavaScript through its mirror. */
  async function checkForm(page: Page, name: string) {
    // Nothing can be run in a page without JavaScript, axe included: its HTML, scripts left out, is checked
    // in a page that runs only axe.
    const mirror = page.context() === noScript ? await mirrorOf(page) : null;
    await checkBothWidths(mirror ?? page, name);
    await mirror?.context().close();
  }

  async function mirrorOf(page: Page): Promise<Page> {
    const url = page.url().replace(/#.*$/, '');
    const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/g, '');
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const mirror = await context.newPage();
    await mirror.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
    await mirror.goto(url);
    return mirror;
  }

  /** The whole journey through the form for one return; `mode` names the screenshots. */
  async function fillInAndSubmit(page: Page, ref: string, mode: string) {
    await page.goto(`${product.baseUrl}/agency/returns/${cycleId}.${ref}`);
    await checkForm(page, `form-${mode}-01-rating`);

    // A broken rule: the summary and the field say so in words, and nothing typed is lost.
    await page.getByLabel('Amber: some concern').check();
    await page.getByLabel('Progress this period').fill('Kept while the comments are fixed.');
    await page.getByLabel('Comments on the direction of travel (optional)').fill('c'.repeat(5_001));
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForSelector('.govuk-error-summary');
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.textContent('.govuk-error-summary')).toContain(
      'Comments on the direction of travel must be 5,000 characters or fewer',
    );
    expect(await page.textContent('#comments-error')).toContain('must be 5,000 characters or fewer');
    expect(await page.inputValue('#narrative')).toBe('Kept while the comments are fixed.');
    await checkForm(page, `form-${mode}-02-error`);
    await page.getByRole('link', { name: /Comments on the direction of travel must be/ }).click();
    // With JavaScript the summary moves focus to the field; without it, the link goes to the field's id.
    if (mode === 'js') expect(await page.evaluate('document.activeElement.id')).toBe('comments');
    else expect(page.url()).toContain('#comments');

    await page.getByLabel('Green: on target').check();
    await page
      .getByLabel('Progress this period')
      .fill('The plan is **98%** on target.\n\n- 600 daily taskings');
    await page.getByLabel('Improving').check();
    await page.getByLabel('Comments on the direction of travel (optional)').fill('Above the 85% target');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL('**/tables');
    await checkForm(page, `form-${mode}-03-no-tables`);

    if (mode === 'js') {
      // A paste it cannot take comes back open, with the error by the box and what was pasted kept.
      await page.getByText('Paste a table from a spreadsheet').click();
      await page
        .getByLabel('Cells copied from a spreadsheet or a Word table')
        .fill(Array.from({ length: 31 }, (_, i) => `Column ${i + 1}`).join('\t'));
      await page.getByRole('button', { name: 'Add the pasted table' }).click();
      await page.waitForSelector('.govuk-error-summary');
      expect(await page.textContent('#table-paste-error')).toContain('at most 30 columns');
      await checkForm(page, `form-${mode}-03-paste-error`);
      await page.getByLabel('Cells copied from a spreadsheet or a Word table').fill('');
    }

    await page.getByRole('button', { name: 'Add a table' }).click();
    await page.getByLabel('Caption', { exact: true }).fill('NEET by district');
    await page.getByLabel('Column 1 heading').fill('District');
    await page.getByLabel('Column 2 heading').fill('Mar 2019');
    await page.getByLabel('Column 3 heading').fill('Mar 2020');
    await page.getByRole('button', { name: 'Add a row to table 1' }).click();
    // The new row came with what was typed kept, the headings now naming the cells.
    expect(await page.inputValue('#table-0-caption')).toBe('NEET by district');
    await page.getByLabel('District (row 1)').fill('Sevenoaks');
    await page.getByLabel('Mar 2019 (row 1)').fill('2.1%');
    await page.getByLabel('Mar 2020 (row 1)').fill('1.9%');
    await page.getByLabel('District (row 2)').fill('Swanley');
    await page.getByLabel('Mar 2019 (row 2)').fill('3.0%');
    await page.getByLabel('Mar 2020 (row 2)').fill('2.4%');
    await page.getByRole('button', { name: 'Save and come back later' }).click();
    await page.waitForURL('**/tables?saved=1');
    expect(await page.textContent('.app-preview')).toContain('Swanley');
    await checkForm(page, `form-${mode}-04-tables`);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL('**/case-studies');

    await page.getByRole('button', { name: 'Add a case study' }).click();
    await page.getByLabel('Title', { exact: true }).fill('A family helped');
    await page.getByLabel('Partner agency').fill('Sevenoaks CSP');
    await page.getByLabel('Heading', { exact: true }).fill('The beginning');
    await page.getByLabel('Text', { exact: true }).fill('They came to us in need.');
    await page.getByRole('button', { name: 'Add a section to case study 1' }).click();
    await page.locator('#case-0-section-1-heading').fill('The end');
    await page.locator('#case-0-section-1-body').fill('All well now.');
    await checkForm(page, `form-${mode}-05-case-studies`);
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL('**/check');

    const main = (await page.textContent('main')) ?? '';
    for (const text of [
      'Green: on target',
      '98%',
      'Improving',
      'NEET by district',
      'Swanley',
      'All well now.',
    ])
      expect(main).toContain(text);
    expect(await page.getByRole('link', { name: /^Change/ }).count()).toBe(6);
    await checkForm(page, `form-${mode}-06-check`);
    await page.getByRole('link', { name: 'Change tables' }).click();
    await page.waitForURL('**/tables');
    expect(await page.inputValue('#table-0-row-1-cell-0')).toBe('Swanley');
    await page.goto(`${product.baseUrl}/agency/returns/${cycleId}.${ref}/check`);
    await page.getByRole('button', { name: 'Submit return' }).click();
    await page.waitForURL('**/submitted');

    const stored = await http(product.baseUrl)('GET', `/returns/${cycleId}.${ref}`, as.coordinator);
    expect(stored.body).toMatchObject({
      status: 'submitted',
      content: {
        rag: 'green',
        tables: [
          {
            caption: 'NEET by district',
            header: ['District', 'Mar 2019', 'Mar 2020'],
            rows: [
              ['Sevenoaks', '2.1%', '1.9%'],
              ['Swanley', '3.0%', '2.4%'],
            ],
          },
        ],
        caseStudies: [
          {
            title: 'A family helped',
            agency: 'Sevenoaks CSP',
            sections: [
              { heading: 'The beginning', body: 'They came to us in need.' },
              { heading: 'The end', body: 'All well now.' },
            ],
          },
        ],
      },
    });
  }

  it('takes a lead from the emailed link through every step to a submitted return, with JavaScript', async () => {
    const mail = await eventually(async () => product.smtp.mails.find((m) => m.to.includes(lead.email)));
    const link = /(http:\/\/\S+\/l\/[A-Za-z0-9_-]{43})/
      .exec(mail.text)![1]
      .replace(product.config.publicBaseUrl, product.baseUrl);
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(link);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`**/agency/cycles/${cycleId}`);
    await fillInAndSubmit(page, 'S1', 'js');
    await context.close();
    // Twelve pages through axe at two widths: minutes on a busy machine.
  }, 300_000);

  it('does the same without JavaScript: every add and remove button is a plain form submit', async () => {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      javaScriptEnabled: false,
    });
    noScript = context;
    const session = /pr_session=([^;]+)/.exec(as.lead('sevenoaks-csp').cookie)![1];
    await context.addCookies([{ name: 'pr_session', value: session, url: product.baseUrl }]);
    const page = await context.newPage();
    await fillInAndSubmit(page, 'S2', 'nojs');
    await context.close();
  }, 300_000);
});
