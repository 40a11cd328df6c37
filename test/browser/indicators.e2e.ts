import { Browser, BrowserContext, Page } from 'playwright-core';
import { checkPage, fitsNarrowScreen, launchBrowser } from '../support/browser.js';
import { as, http, importSevenoaks, Product, startProduct } from '../support/product.js';

/**
 * Issue 15 point 1 in a real browser, without JavaScript: the return form's first step asks for C3's two
 * indicator values (unit beside each, target as hint), names a value that is not a number in the GOV.UK error
 * pattern, suggests the RAG from the values, and the check page stops a different RAG without a reason. Each
 * page is checked with axe at 1280 and 320 px (in a page that runs only axe, the HTML as the browser got it).
 */
describe('indicator values on the return form, without JavaScript, at 1280 and 320 px (e2e)', () => {
  let product: Product;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let returnId: string;

  beforeAll(async () => {
    product = await startProduct('browser_indicators');
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
    await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, { measureRefs: ['C3'] });
    returnId = `${drafted.body.id}.C3`;
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, javaScriptEnabled: false });
    const session = /pr_session=([^;]+)/.exec(as.lead('sevenoaks-lcpg').cookie)![1];
    await context.addCookies([{ name: 'pr_session', value: session, url: product.baseUrl }]);
    page = await context.newPage();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  /** The page's HTML, scripts left out, checked by axe at both widths in a page of its own. */
  async function checkBothWidths(name: string) {
    const url = page.url().replace(/#.*$/, '');
    const html = (await page.content()).replace(/<script\b[\s\S]*?<\/script>/g, '');
    const mirrorContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const mirror = await mirrorContext.newPage();
    await mirror.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
    await mirror.goto(url);
    await checkPage(mirror, name);
    expect({ name, fits: await fitsNarrowScreen(mirror) }).toEqual({ name, fits: true });
    await mirror.setViewportSize({ width: 320, height: 800 });
    await checkPage(mirror, `${name}-320`);
    await mirrorContext.close();
  }

  it('asks for each value with its unit and target, and names a value that is not a number', async () => {
    await page.goto(`${product.baseUrl}/agency/returns/${returnId}`);
    const reoffending = page.getByLabel('Re-offending by children and young people');
    expect((await page.textContent('#indicator-0-hint'))?.trim()).toBe('Target: 35 (lower is better)');
    expect((await page.textContent('#indicator-1-hint'))?.trim()).toBe('Target: 75% (higher is better)');
    expect((await page.textContent('.govuk-input__suffix'))?.trim()).toBe('rate');
    await checkBothWidths('indicators-01-form');

    await reoffending.fill('about 19');
    await page.getByLabel('EYFS pupils with a good level of development').fill('76.8');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForSelector('.govuk-error-summary');
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.textContent('.govuk-error-summary')).toContain(
      'Re-offending by children and young people must be a number, like 85 or 1.5',
    );
    expect(await page.getAttribute('.govuk-error-summary a', 'href')).toBe('#indicator-0');
    expect(await page.textContent('#indicator-0-error')).toContain('must be a number');
    expect(await reoffending.inputValue()).toBe('about 19');
    await checkBothWidths('indicators-02-not-a-number');
  }, 120_000);

  it('suggests the RAG from the values, and asks for a reason before a different RAG can be submitted', async () => {
    await page.getByLabel('Re-offending by children and young people').fill('18.8');
    await page.getByLabel('Amber: some concern').check();
    await page.getByLabel('Progress this period').fill('Re-offending well below target; EYFS above it.');
    await page.getByRole('button', { name: 'Save and come back later' }).click();
    await page.waitForURL('**?saved=1');
    expect(await page.textContent('#suggested-rag')).toBe('Your values suggest a rating of Green.');
    await checkBothWidths('indicators-03-suggested');

    await page.goto(`${product.baseUrl}/agency/returns/${returnId}/check`);
    expect(await page.textContent('.govuk-error-summary')).toContain(
      'Give a reason for choosing Amber when your values suggest Green',
    );
    expect(await page.getByRole('button', { name: 'Submit return' }).count()).toBe(0);
    await checkBothWidths('indicators-04-check-without-reason');

    await page.getByRole('link', { name: /Give a reason/ }).click();
    await page
      .getByLabel('Reason for a different rating (if you chose one)')
      .fill('NEET is double its target');
    await page.getByRole('button', { name: 'Save and come back later' }).click();
    await page.waitForURL('**?saved=1');
    await page.goto(`${product.baseUrl}/agency/returns/${returnId}/check`);
    await page.getByRole('button', { name: 'Submit return' }).click();
    await page.waitForURL('**/submitted');
  }, 180_000);
});
