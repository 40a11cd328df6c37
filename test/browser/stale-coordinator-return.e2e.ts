import { Browser, Page } from 'playwright-core';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import { attachEvidenceForTest } from '../support/evidence.js';
import { staffPage } from '../support/journeys.js';
import { openCycle, submitAndApprove } from '../support/reporting.js';
import { as, http, importSevenoaks, Product, STAFF, startProduct } from '../support/product.js';

/**
 * A coordinator's action on a return's page (withdraw, reopen, reassign, extend) pressed on a page out of date,
 * in a real browser. Pressed twice (two tabs) it is the action already done, and the page says so; after
 * someone else's change the page comes back up to date with a GOV.UK error summary (focused, "Error:" in the
 * title) naming who did what since, the reason typed kept in its box. It was the bare 409 page, reason lost.
 */
describe('a coordinator acting on a return that changed meanwhile (e2e)', () => {
  jest.setTimeout(240_000);
  let product: Product;
  let browser: Browser;
  let call: ReturnType<typeof http>;
  let cycleId: string;

  const coordinating = async (ref: string): Promise<Page> => {
    const page = await staffPage(
      browser,
      product,
      STAFF.coordinator,
      `/coordinate/returns/${encodeURIComponent(`${cycleId}.${ref}`)}`,
    );
    page.context().setDefaultTimeout(20_000);
    return page;
  };

  beforeAll(async () => {
    product = await startProduct('browser_stale_coordinator');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    cycleId = await openCycle(
      call,
      as.coordinator,
      {
        cycleId: 'stale-coordinator',
        label: 'Year 2 2020/21',
        periodStart: '2020-04-01',
        periodEnd: '2021-03-31',
        dueDate: '2030-04-30',
      },
      ['S1', 'S2', 'S3', 'S4'],
    );
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  it('keeps the reason typed when the lead saved a draft while the coordinator wrote it', async () => {
    const page = await coordinating('S1');
    const saved = await call('PUT', `/returns/${cycleId}.S1/draft`, as.lead('sevenoaks-csp'), {
      narrative: 'Written while the coordinator read it.',
    });
    expect(saved.status).toBe(200);

    await page.getByText('Withdraw from the cycle').click();
    const reason = 'Measure dropped from the plan';
    await page.locator('#reason-withdraw').fill(reason);
    const answer = page.waitForResponse((r) => r.url().endsWith('/withdraw'));
    await page.getByRole('button', { name: 'Withdraw', exact: true }).click();
    expect((await answer).status()).toBe(409);
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^Error: S1 in Year 2 2020\/21/);
    const summary = page.locator('.govuk-error-summary');
    await expect(summary.textContent()).resolves.toContain(
      'This return changed while you had the page open, so “Withdraw” was not done.',
    );
    expect(await summary.getByRole('link').getAttribute('href')).toBe('#changed-meanwhile');
    await expect(page.locator('#changed-meanwhile').textContent()).resolves.toContain('Started');
    expect(await page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")).toBe(
      true,
    );
    // The reason is in its box, the box open, to press Withdraw again at the version now shown.
    await expect(page.locator('#reason-withdraw').inputValue()).resolves.toBe(reason);
    await checkBothWidths(page, 'stale-coordinator-01-changed');
    await page.getByRole('button', { name: 'Withdraw', exact: true }).click();
    await page.waitForURL('**/coordinate/returns/*?done=*');
    await expect(page.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
      'Return withdrawn from the cycle',
    );
    await page.context().close();
  });

  it('takes Withdraw pressed again in a second tab as the withdrawal it already is', async () => {
    const [tab, otherTab] = [await coordinating('S2'), await coordinating('S2')];
    for (const page of [tab, otherTab]) {
      await page.getByText('Withdraw from the cycle').click();
      await page.locator('#reason-withdraw').fill('Measure dropped');
    }
    await tab.getByRole('button', { name: 'Withdraw', exact: true }).click();
    await tab.waitForURL('**/coordinate/returns/*?done=*');
    await otherTab.getByRole('button', { name: 'Withdraw', exact: true }).click();
    await otherTab.waitForURL('**/coordinate/returns/*?done=*');
    await expect(otherTab.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
      'This return had already been withdrawn',
    );
    await checkBothWidths(otherTab, 'stale-coordinator-02-already-withdrawn');
    const withdrawals = (await call('GET', `/returns/${cycleId}.S2`, as.coordinator)).body.history.filter(
      (h: { type: string }) => h.type === 'ReturnWithdrawn',
    );
    expect(withdrawals).toHaveLength(1);
    await Promise.all([tab.context().close(), otherTab.context().close()]);
  });

  it('keeps the field, passage and reason of a redaction refused because the return changed meanwhile', async () => {
    const returnId = `${cycleId}.S3`;
    const name = 'Robin Stale-Example';
    await submitAndApprove(call, returnId, as.coordinator, as.reviewer, {
      rag: 'green',
      narrative: `Our youth worker supported ${name} into college.`,
    });
    const page = await coordinating('S3');
    await page.getByRole('link', { name: 'Redact a passage' }).click();
    await page.getByLabel('Progress narrative').check();
    await page.getByLabel('The passage to redact').fill(name);
    await page.getByLabel('Why is it redacted?').fill('Names a young person');
    await page.getByLabel('Yes, take this passage out').check();
    // Another coordinator reopens it while this one fills the form in.
    const reopened = await call('POST', `/returns/${returnId}/reopen`, as.coordinator, {
      reason: 'Figures to correct',
    });
    expect(reopened.status).toBe(200);

    const answer = page.waitForResponse((r) => r.url().endsWith('/redact'));
    await page.getByRole('button', { name: 'Redact the passage' }).click();
    expect((await answer).status()).toBe(409);
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^Error: Redact a passage/);
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'This return changed while you had the page open, so the passage was not redacted.',
    );
    await expect(page.locator('#changed-meanwhile').textContent()).resolves.toContain(
      'Reopened: Figures to correct',
    );
    expect(await page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")).toBe(
      true,
    );
    await expect(page.getByLabel('Progress narrative').isChecked()).resolves.toBe(true);
    await expect(page.getByLabel('The passage to redact').inputValue()).resolves.toBe(name);
    await expect(page.getByLabel('Why is it redacted?').inputValue()).resolves.toBe('Names a young person');
    await checkBothWidths(page, 'stale-coordinator-03-redaction');
    // Confirmed again at the version now shown, it is redacted.
    await page.getByLabel('Yes, take this passage out').check();
    await page.getByRole('button', { name: 'Redact the passage' }).click();
    await page.waitForURL('**/coordinate/returns/*?done=*');
    await expect(page.locator('main').textContent()).resolves.not.toContain(name);
    await page.context().close();
  });

  it("says which files changed when the report's files were chosen on a page out of date", async () => {
    const returnId = `${cycleId}.S4`;
    await attachEvidenceForTest(product.store, { returnId, agencyId: 'sevenoaks-csp', title: 'Action plan' });
    const page = await coordinating('S4');
    await attachEvidenceForTest(product.store, {
      returnId,
      agencyId: 'sevenoaks-csp',
      title: 'Visit figures',
    });
    await page.getByLabel('Action plan').check();
    const answer = page.waitForResponse((r) => r.url().endsWith('/evidence-in-report'));
    await page.getByRole('button', { name: 'Save the report’s files' }).click();
    expect((await answer).status()).toBe(409);
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^Error: S4 in /);
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'This return’s files changed while you had the page open, so the report’s list of files was not saved.',
    );
    await expect(page.locator('#changed-meanwhile').textContent()).resolves.toContain(
      'File attached: Visit figures',
    );
    await checkBothWidths(page, 'stale-coordinator-04-files');
    await page.context().close();
  });
});
