import { Browser, Page } from 'playwright-core';
import { checkBothWidths, launchBrowser, WIDE } from '../support/browser.js';
import { attachEvidenceForTest } from '../support/evidence.js';
import { openCycle, submitAndApprove } from '../support/reporting.js';
import { as, http, importSevenoaks, Product, startProduct } from '../support/product.js';

/**
 * An agency lead pressing a button on a page that was out of date, in a real browser: Remove on the files page,
 * and "Start from last year's return" on the form. Pressed again (a second tab, a double press) it lands on the
 * page as it is now with a short word that it was done already; after a real change meanwhile the page comes
 * back up to date with a GOV.UK error summary (focused, "Error:" in the title) saying who did what since. Both
 * ended on the bare general 409 page before, which said neither.
 */
describe('an agency lead on a page that was out of date (e2e)', () => {
  jest.setTimeout(300_000);
  let product: Product;
  let browser: Browser;
  let call: ReturnType<typeof http>;
  let thisYear: string;
  // The lead's link session, made once the product is up.
  let lead: Record<string, string>;

  async function leadPage(path: string): Promise<Page> {
    const context = await browser.newContext({ viewport: WIDE });
    const [name, value] = lead.cookie.split('=');
    await context.addCookies([{ name, value, url: product.baseUrl }]);
    context.setDefaultTimeout(20_000);
    const page = await context.newPage();
    await page.goto(`${product.baseUrl}${path}`);
    return page;
  }

  const summaryFocused = (page: Page) =>
    page.evaluate("document.activeElement.classList.contains('govuk-error-summary')");

  beforeAll(async () => {
    product = await startProduct('browser_stale_lead');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    lead = as.lead('sevenoaks-csp');
    const cycle = (cycleId: string, label: string, start: string, end: string) =>
      openCycle(
        call,
        as.coordinator,
        { cycleId, label, periodStart: start, periodEnd: end, dueDate: '2030-04-30' },
        ['S1', 'S2', 'S3', 'S4'],
      );
    const lastYear = await cycle('stale-last', 'Year 1 2019/20', '2019-04-01', '2020-03-31');
    for (const ref of ['S1', 'S2'])
      await submitAndApprove(call, `${lastYear}.${ref}`, lead, as.reviewer, {
        rag: 'green',
        narrative: `Our 2019/20 progress on ${ref}.`,
        dot: 'new',
      });
    thisYear = await cycle('stale-this', 'Year 2 2020/21', '2020-04-01', '2021-03-31');
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  const files = (ref: string) => `/agency/returns/${encodeURIComponent(`${thisYear}.${ref}`)}/evidence`;
  const form = (ref: string) => `/agency/returns/${encodeURIComponent(`${thisYear}.${ref}`)}`;

  it('takes Remove pressed again in a second tab as the removal it already is', async () => {
    const returnId = `${thisYear}.S3`;
    await attachEvidenceForTest(product.store, {
      returnId,
      agencyId: 'sevenoaks-csp',
      title: 'Survey results',
    });
    const [tab, otherTab] = [await leadPage(files('S3')), await leadPage(files('S3'))];
    await tab.getByRole('button', { name: 'Remove Survey results' }).click();
    await tab.waitForURL('**/evidence?done=removed');

    await otherTab.getByRole('button', { name: 'Remove Survey results' }).click();
    await otherTab.waitForURL('**/evidence?done=already-removed');
    await expect(otherTab.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
      'That file had already been removed from your return',
    );
    await expect(otherTab.locator('#files').textContent()).resolves.toContain('No files have been added');
    await checkBothWidths(otherTab, 'stale-lead-01-already-removed');
    await Promise.all([tab.context().close(), otherTab.context().close()]);
  });

  it('says what changed when the files changed while the page was open, and keeps the file', async () => {
    const returnId = `${thisYear}.S4`;
    await attachEvidenceForTest(product.store, { returnId, agencyId: 'sevenoaks-csp', title: 'Action plan' });
    const page = await leadPage(files('S4'));
    // A colleague adds a file while the page is open.
    await attachEvidenceForTest(product.store, {
      returnId,
      agencyId: 'sevenoaks-csp',
      title: 'Visit figures',
    });

    const answer = page.waitForResponse((r) => r.url().endsWith('/remove'));
    await page.getByRole('button', { name: 'Remove Action plan' }).click();
    expect((await answer).status()).toBe(409);
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^Error: Files for S4/);
    const summary = page.locator('.govuk-error-summary');
    await expect(summary.textContent()).resolves.toContain(
      'The files on this return changed while you had this page open, so the file was not removed.',
    );
    expect(await summary.getByRole('link').getAttribute('href')).toBe('#changed-meanwhile');
    await expect(page.locator('#changed-meanwhile').textContent()).resolves.toContain(
      'File attached: Visit figures',
    );
    expect(await summaryFocused(page)).toBe(true);
    // Both files listed as they are now; the one pressed still there, to remove again.
    await expect(page.locator('#files').textContent()).resolves.toMatch(/Action plan[\s\S]*Visit figures/);
    await checkBothWidths(page, 'stale-lead-02-files-changed');
    await page.getByRole('button', { name: 'Remove Action plan' }).click();
    await page.waitForURL('**/evidence?done=removed');
    await expect(page.locator('#files').textContent()).resolves.not.toContain('Action plan');
    await page.context().close();
  });

  it("takes Start from last year's pressed again in a second tab as done already", async () => {
    const [tab, otherTab] = [await leadPage(form('S1')), await leadPage(form('S1'))];
    await tab.getByRole('button', { name: 'Start from last year’s return' }).click();
    await tab.waitForURL('**?copied=1');

    await otherTab.getByRole('button', { name: 'Start from last year’s return' }).click();
    await otherTab.waitForURL('**?copied=already');
    await expect(otherTab.locator('#copied-already').textContent()).resolves.toContain(
      'This return had already been started from last cycle’s approved return',
    );
    await expect(otherTab.getByLabel('Progress this period').inputValue()).resolves.toBe(
      'Our 2019/20 progress on S1.',
    );
    await checkBothWidths(otherTab, 'stale-lead-03-already-copied');
    const saves = (await call('GET', `/returns/${thisYear}.S1`, lead)).body.history.filter(
      (h: { type: string }) => h.type === 'ReturnDraftSaved',
    );
    expect(saves).toHaveLength(1);
    await Promise.all([tab.context().close(), otherTab.context().close()]);
  });

  it("does not copy last year's over a return started meanwhile, and says who started it", async () => {
    const page = await leadPage(form('S2'));
    // Typed and saved in another tab while this one was open.
    const saved = await call('PUT', `/returns/${thisYear}.S2/draft`, lead, {
      rag: 'amber',
      narrative: 'Typed in another tab.',
    });
    expect(saved.status).toBe(200);

    const answer = page.waitForResponse((r) => r.url().endsWith('/from-last-year'));
    await page.getByRole('button', { name: 'Start from last year’s return' }).click();
    expect((await answer).status()).toBe(409);
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^Error: Rating and progress - S2/);
    const summary = page.locator('.govuk-error-summary');
    await expect(summary.textContent()).resolves.toContain(
      'This return was started while you had this page open, so last cycle’s was not copied over it.',
    );
    expect(await summary.getByRole('link').getAttribute('href')).toBe('#changed-meanwhile');
    await expect(page.locator('#changed-meanwhile').textContent()).resolves.toContain('Started');
    expect(await summaryFocused(page)).toBe(true);
    // The form holds the return as it is now, not last year's; nothing offers to copy over it again.
    await expect(page.getByLabel('Progress this period').inputValue()).resolves.toBe('Typed in another tab.');
    expect(await page.getByRole('button', { name: 'Start from last year’s return' }).count()).toBe(0);
    await checkBothWidths(page, 'stale-lead-04-started-meanwhile');
    await page.context().close();
  });
});
