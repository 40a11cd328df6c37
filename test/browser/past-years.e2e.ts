import { readFileSync } from 'node:fs';
import { Browser, Page } from 'playwright-core';
import { checkPage, launchBrowser } from '../support/browser.js';
import { importSevenoaks, PASSWORD, Product, STAFF, startProduct } from '../support/product.js';
import { SEVENOAKS_HISTORY_EXAMPLE } from '../support/sevenoaks-history-example.js';

/**
 * Issue 15 points 3 and 5: the coordinator records a past year from its old report on the page, in a real
 * browser: the form, a file refused with every problem named (GOV.UK error pattern), and the Sevenoaks 2019/20
 * report recorded, each page at 1280 and 320 px with axe; and the same journey without JavaScript.
 */
describe('recording a past cycle, in the browser (e2e)', () => {
  let product: Product;
  let browser: Browser;
  const example = readFileSync(SEVENOAKS_HISTORY_EXAMPLE);
  const bad = (() => {
    const report = JSON.parse(example.toString('utf8'));
    report.themes[0].measures[0].rag = 'purple';
    report.themes[1].measures[0].ref = 'C99';
    return Buffer.from(JSON.stringify(report));
  })();

  const atBothWidths = async (page: Page, name: string) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await checkPage(page, `${name}-1280`);
    await page.setViewportSize({ width: 320, height: 800 });
    await checkPage(page, `${name}-320`);
    expect({
      page: name,
      fits: await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'),
    }).toEqual({ page: name, fits: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  };

  const signedIn = async (javaScriptEnabled: boolean) => {
    const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
    await page.goto(`${product.baseUrl}/coordinate`);
    await page.waitForURL('**/sign-in?next=*');
    await page.getByLabel('Email address').fill(STAFF.coordinator);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/coordinate');
    return page;
  };
  const chooseFile = (page: Page, name: string, buffer: Buffer) =>
    page.setInputFiles('#file', { name, mimeType: 'application/json', buffer });

  beforeAll(async () => {
    product = await startProduct('browser_past_years');
    await importSevenoaks(product.store);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  it('shows the form, names every problem of a bad file, and records nothing', async () => {
    const page = await signedIn(true);
    await page.getByRole('button', { name: 'Record a past cycle' }).click();
    await page.waitForURL('**/coordinate/cycles/historical');
    await atBothWidths(page, 'past-years-01-form');

    await page.getByRole('button', { name: 'Record the cycle' }).click();
    expect(await page.title()).toMatch(/^Error: Record a past cycle/);
    await page.getByRole('link', { name: 'Select the report file' }).click();

    await chooseFile(page, 'bad.json', bad);
    await page.getByRole('button', { name: 'Record the cycle' }).click();
    expect(await page.title()).toMatch(/^Error: Record a past cycle/);
    const summary = await page.textContent('.govuk-error-summary');
    expect(summary).toContain('/themes/0/measures/0/rag: must be one of red, amber, green');
    expect(summary).toContain('/themes/1/measures/0/ref: C99 is not a measure of the plan');
    expect(await page.textContent('#file-error')).toContain('The file has 2 problems');
    await atBothWidths(page, 'past-years-02-refused');
    const cycles = await product.db.dataSource.query(
      `SELECT count(*)::int AS n FROM events WHERE stream_id LIKE 'cycle:%'`,
    );
    expect(cycles[0].n).toBe(0);
  }, 240_000);

  it('records the Sevenoaks 2019/20 report without JavaScript, and lists it as a past cycle', async () => {
    const page = await signedIn(false);
    await page.getByRole('button', { name: 'Record a past cycle' }).click();
    await page.getByLabel('Short name for the cycle (optional)').fill('y1-2019-20');
    await chooseFile(page, 'sevenoaks-2019-20-report.json', example);
    await page.getByRole('button', { name: 'Record the cycle' }).click();
    await page.waitForURL('**/coordinate/cycles/sevenoaks-lsp~y1-2019-20?done=*');
    expect(await page.textContent('.govuk-notification-banner')).toContain(
      'Recorded from sevenoaks-2019-20-report.json: 27 returns approved, the cycle closed',
    );
    await page.goto(`${product.baseUrl}/coordinate`);
    expect(await page.textContent('main')).toContain('closed (recorded from a past report)');

    // The same file again is refused by its hash, on the page as on the API.
    await page.getByRole('button', { name: 'Record a past cycle' }).click();
    await chooseFile(page, 'again.json', example);
    await page.getByRole('button', { name: 'Record the cycle' }).click();
    expect(await page.textContent('.govuk-error-summary')).toContain(
      'This file was already recorded, as cycle sevenoaks-lsp~y1-2019-20',
    );
  }, 120_000);

  it('shows the recorded cycle’s dashboard at both widths', async () => {
    const page = await signedIn(true);
    await page.goto(`${product.baseUrl}/coordinate/cycles/y1-2019-20`);
    expect(await page.textContent('h1')).toContain('Year 1 2019/20');
    await atBothWidths(page, 'past-years-03-dashboard');
    // The cycles page, with its way in to recording a past cycle and the recorded one listed.
    await page.goto(`${product.baseUrl}/coordinate`);
    await atBothWidths(page, 'past-years-04-cycles');
  }, 120_000);
});
