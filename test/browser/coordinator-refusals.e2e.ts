import { Browser, Page } from 'playwright-core';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import { staffPage } from '../support/journeys.js';
import { openCycle } from '../support/reporting.js';
import { as, http, importSevenoaks, Product, STAFF, startProduct } from '../support/product.js';

/**
 * A coordinator's form a rule refuses, in a real browser: a new due date not after the one set on a return's
 * page, a report title too long on the cycle's dashboard. The same page comes back (422) with "Error:" in its
 * title, the error summary focused and linking to the box, the rule beside it, and what was typed in the boxes,
 * to correct and send again; axe and 320 px hold. Both went to a fresh page with the rule at the top, the typing
 * lost.
 */
describe("a coordinator's form refused by a rule, in a browser (e2e)", () => {
  jest.setTimeout(240_000);
  let product: Product;
  let browser: Browser;
  let cycleId: string;

  const coordinating = async (path: string): Promise<Page> => {
    const page = await staffPage(browser, product, STAFF.coordinator, path);
    page.context().setDefaultTimeout(20_000);
    return page;
  };

  /** The summary is what has focus, as the page opens, and it links to `href`. */
  const summaryFocused = async (page: Page, href: string, text: string) => {
    const summary = page.locator('.govuk-error-summary');
    await expect(summary.textContent()).resolves.toContain(text);
    expect(await summary.getByRole('link').getAttribute('href')).toBe(href);
    expect(await page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")).toBe(
      true,
    );
  };

  beforeAll(async () => {
    product = await startProduct('browser_coordinator_refusals');
    await importSevenoaks(product.store);
    cycleId = await openCycle(
      http(product.baseUrl),
      as.coordinator,
      {
        cycleId: 'refused-forms',
        label: 'Year 2 2020/21',
        periodStart: '2020-04-01',
        periodEnd: '2021-03-31',
        dueDate: '2030-04-30',
      },
      ['S1'],
    );
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  it("keeps a return's new due date and reason when the date is not after the one set", async () => {
    const page = await coordinating(`/coordinate/returns/${encodeURIComponent(`${cycleId}.S1`)}`);
    await page.getByText('Extend the deadline').click();
    await page.locator('#dueDate-day').fill('31');
    await page.locator('#dueDate-month').fill('1');
    await page.locator('#dueDate-year').fill('2029');
    await page.locator('#reason-extend').fill('Police figures come late');
    const answer = page.waitForResponse((r) => r.url().endsWith('/extend'));
    await page.getByRole('button', { name: 'Extend', exact: true }).click();
    expect((await answer).status()).toBe(422);
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^Error: S1 in Year 2 2020\/21/);
    await summaryFocused(page, '#dueDate-day', 'The new due date must be after 30 April 2030');
    await expect(page.locator('#dueDate-error').textContent()).resolves.toContain(
      'The new due date must be after 30 April 2030',
    );
    const typed = await Promise.all(
      ['#dueDate-day', '#dueDate-month', '#dueDate-year', '#reason-extend'].map((box) =>
        page.locator(box).inputValue(),
      ),
    );
    expect(typed).toEqual(['31', '1', '2029', 'Police figures come late']);
    await checkBothWidths(page, 'coordinator-refusals-01-due-date');
    // The summary's link takes the coordinator to the date, to correct it and extend.
    await page.locator('.govuk-error-summary').getByRole('link').click();
    expect(await page.evaluate('document.activeElement.id')).toBe('dueDate-day');
    await page.locator('#dueDate-year').fill('2030');
    await page.locator('#dueDate-month').fill('5');
    await page.getByRole('button', { name: 'Extend', exact: true }).click();
    await page.waitForURL('**/coordinate/returns/*?done=*');
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
      'Deadline extended to 31 May 2030',
    );
    await page.context().close();
  });

  it("keeps the report's headings as typed when the title is too long, the rule beside it", async () => {
    const page = await coordinating(`/coordinate/cycles/${encodeURIComponent(cycleId)}`);
    await page.getByText("The report's headings").click();
    const title = `Sevenoaks ${'Annual Report '.repeat(15)}`.trim();
    await page.getByLabel('Report title').fill(title);
    await page.getByLabel('Year heading').fill('Year 2 (April 2020 - March 2021)');
    const answer = page.waitForResponse((r) => r.url().endsWith('/report-headings'));
    await page.getByRole('button', { name: 'Save the headings' }).click();
    expect((await answer).status()).toBe(422);
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^Error: Year 2 2020\/21/);
    const text = 'Report title must be 1 to 200 characters, without spaces at either end';
    await summaryFocused(page, '#reportTitle', text);
    await expect(page.locator('#reportTitle-error').textContent()).resolves.toContain(text);
    await expect(page.getByLabel('Report title').inputValue()).resolves.toBe(title);
    await expect(page.getByLabel('Year heading').inputValue()).resolves.toBe(
      'Year 2 (April 2020 - March 2021)',
    );
    await checkBothWidths(page, 'coordinator-refusals-02-headings');
    await page.getByLabel('Report title').fill('Sevenoaks Annual Report');
    await page.getByRole('button', { name: 'Save the headings' }).click();
    await page.waitForURL('**/coordinate/cycles/*?done=*');
    await expect(page.getByLabel('Year heading').inputValue()).resolves.toBe(
      'Year 2 (April 2020 - March 2021)',
    );
    await page.context().close();
  });
});
