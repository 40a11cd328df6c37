import { Browser, Page } from 'playwright-core';
import { checkBothWidths, launchBrowser, WIDE } from '../support/browser.js';
import { as, http, importSevenoaks, PASSWORD, Product, STAFF, startProduct } from '../support/product.js';
import { openCycle, submitAndApprove } from '../support/reporting.js';

/**
 * A viewer, in Chromium, from signing in to a cycle's read-only dashboard, an agency in it, and the report,
 * then back again: each page at 1280 and 320 px with axe finding nothing and nothing scrolling sideways
 * (screenshots kept), and the same journey with JavaScript off.
 */
describe("the viewer's journey to the dashboard and the report, in the browser (e2e)", () => {
  jest.setTimeout(300_000);
  let product: Product;
  let browser: Browser;
  let cycleId: string;
  const LABEL = 'Year 1 2019/20 (April 2019 - March 2020)';

  beforeAll(async () => {
    product = await startProduct('browser_viewer');
    await importSevenoaks(product.store);
    const call = http(product.baseUrl);
    cycleId = await openCycle(call, as.coordinator, {
      cycleId: 'y1-viewer',
      label: LABEL,
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2026-11-20',
    });
    const done = { rag: 'green', narrative: 'Done', dot: 'improving' };
    const submitted = await call('POST', `/returns/${cycleId}.S1/submit`, as.lead('sevenoaks-csp'), done);
    expect(submitted.status).toBe(200);
    await submitAndApprove(call, `${cycleId}.S2`, as.lead('sevenoaks-csp'), as.reviewer, done);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  async function signedInViewer(javaScriptEnabled: boolean): Promise<Page> {
    const context = await browser.newContext({ viewport: WIDE, javaScriptEnabled });
    const page = await context.newPage();
    await page.goto(`${product.baseUrl}/`);
    // The start page's way in for staff (a start button: a link that looks like a button).
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/sign-in*');
    await page.getByLabel('Email address').fill(STAFF.viewer);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/view');
    return page;
  }

  /** The journey itself; `look` checks each page on the way (axe needs JavaScript, so not without it). */
  async function walk(page: Page, look: (name: string) => Promise<void>) {
    await look('01-cycles');
    await page.getByRole('link', { name: `Progress ${LABEL}` }).click();
    await page.waitForURL(`**/view/cycles/${encodeURIComponent(cycleId)}`);
    expect(await page.textContent('h1')).toContain(LABEL);
    expect(await page.locator('main form, main button').count()).toBe(0);
    expect(await page.locator('svg.app-chart__bar').count()).toBe(12);
    await look('02-dashboard');

    await page.getByRole('link', { name: 'Sevenoaks District Community Safety Partnership' }).click();
    await page.waitForURL('**/agencies/sevenoaks-csp');
    expect(await page.locator('main .govuk-tag').allTextContents()).toEqual(
      expect.arrayContaining(['Approved', 'Submitted', 'Overdue']),
    );
    await look('03-agency');
    await page.getByRole('link', { name: 'Back' }).click();
    await page.waitForURL(`**/view/cycles/${encodeURIComponent(cycleId)}`);

    await page.getByRole('link', { name: 'Read the report as it stands' }).click();
    await page.waitForURL('**/report?format=html');
    expect(await page.textContent('body')).toContain('Safe Communities');
    await look('04-report');
    await page.getByRole('link', { name: 'Back to the cycle’s progress' }).click();
    await page.waitForURL('**/view/cycles/*');
    expect(await page.textContent('h1')).toContain(LABEL);
  }

  it('walks from sign-in to the dashboard, an agency and the report, at 1280 and 320 px', async () => {
    const page = await signedInViewer(true);
    await walk(page, (name) => checkBothWidths(page, `viewer-${name}`));
    await page.context().close();
  });

  it('walks the same way without JavaScript', async () => {
    const page = await signedInViewer(false);
    await walk(page, async () => {});
    await page.context().close();
  });
});
