import { Browser, Page } from 'playwright-core';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import { staffPage } from '../support/journeys.js';
import { openCycle } from '../support/reporting.js';
import { as, http, importSevenoaks, Product, STAFF, startProduct } from '../support/product.js';

/**
 * Two people deciding one return at once, in a real browser: the one who comes second is told on the review
 * page, in words, that someone acted first and what they did, with the reason they wrote kept; never a bare
 * error page that loses it. The same when a coordinator withdrew the return as the reviewer read it, and a
 * reason the rules refuse (too long) comes back in its box, not emptied.
 */
describe('two reviewers deciding one return at once (e2e)', () => {
  jest.setTimeout(240_000);
  let product: Product;
  let browser: Browser;
  let call: ReturnType<typeof http>;
  let cycleId: string;

  async function submit(ref: string, agencyId: string, narrative: string) {
    const returnId = `${cycleId}.${ref}`;
    await call('PUT', `/returns/${returnId}/draft`, as.lead(agencyId), {
      rag: 'amber',
      narrative,
      dot: 'improving',
    });
    expect((await call('POST', `/returns/${returnId}/submit`, as.lead(agencyId))).status).toBe(200);
    return returnId;
  }

  async function reviewing(email: string, returnId: string): Promise<Page> {
    const page = await staffPage(browser, product, email, `/review/returns/${returnId}`);
    page.context().setDefaultTimeout(20_000);
    return page;
  }

  beforeAll(async () => {
    product = await startProduct('browser_review_race');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    cycleId = await openCycle(
      call,
      as.coordinator,
      {
        cycleId: 'review-race',
        label: 'Year 2 2020/21',
        periodStart: '2020-04-01',
        periodEnd: '2021-03-31',
        dueDate: '2030-04-30',
      },
      ['S1', 'S2', 'S3', 'S4', 'H1', 'H2'],
    );
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  it('tells the second reviewer who approved first, keeping the reason they wrote to copy', async () => {
    const returnId = await submit('S1', 'sevenoaks-csp', 'Most actions were achieved.');
    const first = await reviewing(STAFF.reviewer, returnId);
    const second = await reviewing(STAFF.reviewer2, returnId);

    await second.getByRole('button', { name: 'Approve' }).click();
    await second.waitForURL('**/review?approved=*');

    const reason = 'Say which actions were missed\nand by how much';
    await first.getByLabel('Or send it back: what needs to change?').fill(reason);
    const answer = first.waitForResponse((r) => r.url().endsWith('/send-back'));
    await first.getByRole('button', { name: 'Send back' }).click();
    expect((await answer).status()).toBe(409);
    await first.waitForLoadState();

    expect(await first.title()).toMatch(/^Error: Review S1 - /);
    const summary = first.locator('.govuk-error-summary');
    await expect(summary.textContent()).resolves.toContain(
      'This return changed while you had it open, so your decision was not recorded. It is approved.',
    );
    // The summary's link goes to the words about it, which say who did what.
    const target = await summary.getByRole('link').getAttribute('href');
    expect(target).toBe('#changed-meanwhile');
    const changed = first.locator('#changed-meanwhile');
    await expect(changed.textContent()).resolves.toMatch(/Approved \(reviewer2 \(reviewer\), /);
    expect(await first.locator('#typed-reason p').allTextContents()).toEqual([
      'Say which actions were missed',
      'and by how much',
    ]);
    // Nothing left to decide, so no buttons to press again.
    expect(await first.getByRole('button', { name: 'Send back' }).count()).toBe(0);
    // Focus is on the error summary, as GOV.UK Frontend puts it, for a screen reader to read first.
    expect(await first.evaluate("document.activeElement.classList.contains('govuk-error-summary')")).toBe(
      true,
    );
    await checkBothWidths(first, 'review-race-approved-first');
    await Promise.all([first.context().close(), second.context().close()]);
  });

  it('keeps the reason in the form when the return is back for review at a newer version', async () => {
    const returnId = await submit('S2', 'sevenoaks-csp', 'Crime stays low.');
    const first = await reviewing(STAFF.reviewer, returnId);
    // Sent back by another reviewer and submitted again while the first one was writing.
    await call('POST', `/returns/${returnId}/send-back`, as.reviewer2, { reason: 'Add the figures' });
    await submit('S2', 'sevenoaks-csp', 'Crime stays low: 4% fewer incidents.');

    await first.getByLabel('Or send it back: what needs to change?').fill('Say where');
    await first.getByRole('button', { name: 'Send back' }).click();
    await first.waitForLoadState();
    expect(await first.title()).toMatch(/^Error: Review S2 - /);
    await expect(first.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'It is waiting for review: read it again before you decide.',
    );
    await expect(first.locator('#changed-meanwhile').textContent()).resolves.toContain(
      'Sent back: Add the figures',
    );
    await expect(first.getByLabel('Or send it back: what needs to change?').inputValue()).resolves.toBe(
      'Say where',
    );
    // Read again, it is decided at the version now shown.
    await first.getByRole('button', { name: 'Send back' }).click();
    await first.waitForURL('**/review?sent-back=*');
    await first.context().close();
  });

  it('says the return was withdrawn when a coordinator withdrew it as the reviewer read it', async () => {
    const returnId = await submit('H1', 'sevenoaks-hat', 'Plan drafted.');
    const page = await reviewing(STAFF.reviewer, returnId);
    const withdrawn = await call('POST', `/returns/${returnId}/withdraw`, as.coordinator, {
      reason: 'Measure dropped from the plan',
    });
    expect(withdrawn.status).toBe(200);

    const answer = page.waitForResponse((r) => r.url().endsWith('/approve'));
    await page.getByRole('button', { name: 'Approve' }).click();
    expect((await answer).status()).toBe(409);
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^Error: Review H1 - /);
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain('It is withdrawn.');
    await expect(page.locator('#changed-meanwhile').textContent()).resolves.toContain(
      'Withdrawn: Measure dropped from the plan',
    );
    await checkBothWidths(page, 'review-race-withdrawn');
    await page.context().close();
  });

  it('keeps a reason the rules refuse in its box, with the rule beside it', async () => {
    const returnId = await submit('S3', 'sevenoaks-csp', 'Licensing reviews done.');
    const page = await reviewing(STAFF.reviewer, returnId);
    const long = `Please add the figures. ${'x'.repeat(2000)}`;
    await page.getByLabel('Or send it back: what needs to change?').fill(long);
    await page.getByRole('button', { name: 'Send back' }).click();
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^Error: Review S3 - /);
    await expect(page.locator('#reason-error').textContent()).resolves.toContain(
      'The reason must be 2000 characters or fewer',
    );
    await expect(page.getByLabel('Or send it back: what needs to change?').inputValue()).resolves.toBe(long);
    await page.context().close();
  });

  it('takes Approve pressed again in a second tab as the approval it already is', async () => {
    const returnId = await submit('S4', 'sevenoaks-csp', 'Hate crime reporting up.');
    const [tab, otherTab] = [
      await reviewing(STAFF.reviewer, returnId),
      await reviewing(STAFF.reviewer, returnId),
    ];
    await tab.getByRole('button', { name: 'Approve' }).click();
    await tab.waitForURL('**/review?approved=*');
    await otherTab.getByRole('button', { name: 'Approve' }).click();
    await otherTab.waitForURL('**/review?approved=*');
    await expect(otherTab.locator('.govuk-notification-banner--success').textContent()).resolves.toContain(
      'Approved S4',
    );
    const approvals = (await call('GET', `/returns/${returnId}`, as.reviewer)).body.history.filter(
      (h: { type: string }) => h.type === 'ReturnApproved',
    );
    expect(approvals).toHaveLength(1);
    await Promise.all([tab.context().close(), otherTab.context().close()]);
  });

  it('says on the review page why an approval waits when a change was asked for as the reviewer read it', async () => {
    const returnId = await submit('H2', 'sevenoaks-hat', 'Most District Deal measures on target.');
    const page = await reviewing(STAFF.reviewer, returnId);
    const asked = await call('POST', `/returns/${returnId}/messages`, as.coordinator, {
      body: 'Please split the figures by district',
      changeRequest: true,
    });
    expect(asked.status).toBeLessThan(300);
    const answer = page.waitForResponse((r) => r.url().endsWith('/approve'));
    await page.getByRole('button', { name: 'Approve' }).click();
    expect((await answer).status()).toBe(422);
    await page.waitForLoadState();
    expect(await page.title()).toMatch(/^Error: Review H2 - /);
    await expect(page.locator('.govuk-error-summary').textContent()).resolves.toContain(
      'A change request on this return is still open',
    );
    // No Approve to press again: the page says where change requests are answered instead.
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await expect(page.locator('main').textContent()).resolves.toContain(
      'You can approve this return once its change requests are answered or resolved',
    );
    await checkBothWidths(page, 'review-race-change-requested');
    await page.context().close();
  });
});
