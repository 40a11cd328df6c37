import { Browser, BrowserContext, Page } from 'playwright-core';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import { as, http, importSevenoaks, Product, sevenoaksPlan, startProduct } from '../support/product.js';

/**
 * Issue 13 points 4 and 8 in a real browser, each page at 1280 and 320 px (axe, no sideways scroll, a
 * screenshot of each): starting from last year's return, reading what was sent with its history in words,
 * Back then Submit again, a stale save, an ended session and a cycle closed mid-edit, and without JavaScript.
 */
describe('agency lead: history, last year and kept typing in the browser (e2e)', () => {
  // Two widths and axe on every page: slow on a small shared machine.
  jest.setTimeout(300_000);
  let product: Product;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let call: ReturnType<typeof http>;
  let lastYear: string;
  let thisYear: string;
  const csp = sevenoaksPlan().agencies.find((a) => a.id === 'sevenoaks-csp')!;
  const lead = csp.contacts.find((c) => c.role === 'lead')!;

  async function cycle(label: string, periodStart: string, periodEnd: string, refs: string[]) {
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label,
      periodStart,
      periodEnd,
      dueDate: '2030-04-30',
    });
    await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, { measureRefs: refs });
    return drafted.body.id as string;
  }

  /** A browser holding the lead's link session (the emailed link's own journey is agency-journey's). */
  async function leadContext(options: { javaScriptEnabled?: boolean } = {}) {
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
    const cookie = as.lead('sevenoaks-csp').cookie.split('=');
    await ctx.addCookies([{ name: cookie[0], value: cookie[1], url: product.baseUrl }]);
    // A missing element fails the step that wanted it, rather than the whole test's timeout.
    ctx.setDefaultTimeout(20_000);
    return ctx;
  }

  beforeAll(async () => {
    product = await startProduct('browser_history');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    lastYear = await cycle('Year 1 2019/20', '2019-04-01', '2020-03-31', ['S1']);
    const me = as.lead('sevenoaks-csp');
    const s1 = `${lastYear}.S1`;
    await call('PUT', `/returns/${s1}/draft`, me, {
      rag: 'green',
      narrative: 'Our 2019/20 progress.',
      dot: 'new',
    });
    await call('POST', `/returns/${s1}/submit`, me);
    await call('POST', `/returns/${s1}/send-back`, as.reviewer, { reason: 'Say how many visits were made' });
    await call('PUT', `/returns/${s1}/draft`, me, {
      rag: 'green',
      narrative: 'Our 2019/20 progress: 600 visits.',
      dot: 'new',
    });
    await call('POST', `/returns/${s1}/submit`, me);
    await call('POST', `/returns/${s1}/approve`, as.reviewer);
    thisYear = await cycle('Year 2 2020/21', '2020-04-01', '2021-03-31', ['S1', 'S2', 'S3']);
    browser = await launchBrowser();
    context = await leadContext();
    page = await context.newPage();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  it("starts from last year's return, submits it, reads it as sent, and is told when submitting twice", async () => {
    await page.goto(`${product.baseUrl}/agency/cycles/${thisYear}`);
    await page.getByRole('link', { name: /^S1:/ }).click();
    await checkBothWidths(page, 'history-01-form-with-last-year');
    await page.getByRole('button', { name: 'Start from last year’s return' }).click();
    expect(await page.textContent('.govuk-notification-banner--success')).toContain('copied into this one');
    expect(await page.getByLabel('Progress this period').inputValue()).toBe(
      'Our 2019/20 progress: 600 visits.',
    );
    await checkBothWidths(page, 'history-02-copied');
    await page.getByLabel('Progress this period').fill('Our 2020/21 progress: 700 visits.');
    // Through the optional tables and case studies steps to check answers.
    for (const step of ['**/tables', '**/case-studies', '**/check']) {
      await page.getByRole('button', { name: 'Save and continue' }).click();
      await page.waitForURL(step);
    }
    // A second tab left on check answers, as a lead may leave one, to submit from again below.
    const stale = await page.context().newPage();
    await stale.goto(page.url());
    await page.getByRole('button', { name: 'Submit return' }).click();
    await page.waitForURL('**/submitted');
    await page.getByRole('link', { name: 'Read your return as you sent it' }).click();
    expect(await page.textContent('h1')).toBe('Your return as sent');
    expect(await page.textContent('main')).toContain('Our 2020/21 progress: 700 visits.');
    const history = await page.textContent('.app-history');
    expect(history).toContain(`Submitted`);
    expect(history).toContain(`${lead.name}, ${csp.name}`);
    expect(history).not.toMatch(/ReturnSubmitted|@/);
    await checkBothWidths(page, 'history-03-sent');

    // Back to the check page: pages are never kept (no-store), so it is asked for again, and a return already
    // sent opens as sent, with nothing to submit.
    await page.goBack();
    await page.goBack();
    await page.waitForURL('**/sent');
    expect(await page.textContent('h1')).toBe('Your return as sent');
    expect(await page.getByRole('button', { name: 'Submit return' }).count()).toBe(0);

    // The tab left open on check answers submits again, and is told.
    await stale.getByRole('button', { name: 'Submit return' }).click();
    expect(await stale.textContent('h1')).toBe('You have already sent this return');
    await checkBothWidths(stale, 'history-04-already-sent');
    await stale.close();
  });

  it("shows the reviewer's reason under a return sent back on the task list, its link described by it, at both widths", async () => {
    const reason =
      'Say how many visits were made in Swanley.\nThe figures are on https://www.kent.gov.uk/about-the-council/strategies-and-policies/community-safety/community-safety-partnership-figures-2020-21 ' +
      'and in the <b>county</b> return. '.repeat(6);
    expect((await call('POST', `/returns/${thisYear}.S1/send-back`, as.reviewer, { reason })).status).toBe(
      200,
    );
    await page.goto(`${product.baseUrl}/agency/cycles/${thisYear}`);
    const link = page.getByRole('link', { name: /^S1:/ });
    // Read out with the link (aria-describedby), the lines as typed, the markup as text, shortened with "…".
    const describedBy = (await link.getAttribute('aria-describedby'))!.split(' ');
    const described = (
      await Promise.all(describedBy.map((id) => page.locator(`[id="${id}"]`).innerText()))
    ).join('\n');
    // Who sent it back and when, then the reason.
    expect(described).toMatch(
      /reviewer \(reviewer\) asked for changes, \d+ \w+ \d{4} at (\d+:\d\d[ap]m|midnight|midday): Say how many visits were made in Swanley\.\nThe figures are on https:\/\/www\.kent\.gov\.uk\//,
    );
    expect(described).toContain('<b>county</b>');
    expect(described).toMatch(/…/);
    expect(described).toContain('Sent back');
    await checkBothWidths(page, 'history-01b-task-list-sent-back');
    await link.click();
    expect(await page.textContent('#sent-back')).toContain('county</b> return.');
  });

  it("reads last year's return, each version sent, with the reviewer's reason in its history", async () => {
    await page.goto(`${product.baseUrl}/agency/cycles/${lastYear}`);
    await page.getByRole('link', { name: /^S1:/ }).click();
    expect(await page.textContent('h1')).toBe('Your return as sent');
    expect(await page.textContent('.app-history')).toContain('Sent back: Say how many visits were made');
    await page.getByRole('link', { name: 'Read what was sent in version 3' }).click();
    expect(await page.textContent('main')).toContain('This is an earlier version');
    expect(await page.textContent('main')).toContain('Our 2019/20 progress.');
    await checkBothWidths(page, 'history-05-earlier-version');
  });

  it('keeps the typing when someone else saved first', async () => {
    await page.goto(`${product.baseUrl}/agency/returns/${thisYear}.S2`);
    await call('PUT', `/returns/${thisYear}.S2/draft`, as.lead('sevenoaks-csp'), {
      narrative: 'From the other tab',
    });
    await page.getByLabel('Progress this period').fill('What I typed here');
    await page.getByRole('button', { name: 'Save and come back later' }).click();
    expect(await page.textContent('#notice')).toContain('This return changed after you opened it');
    expect(await page.getByLabel('Progress this period').inputValue()).toBe('What I typed here');
    // Not saved, and said so first: the title says there is an error, and the notice is read out as the page opens.
    expect(await page.title()).toMatch(/^Error: Rating and progress - S2: your return - /);
    expect(await page.getAttribute('#notice', 'role')).toBe('alert');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('notice');
    await checkBothWidths(page, 'history-06-stale-save');
    await page.getByRole('button', { name: 'Save and come back later' }).click();
    expect(await page.textContent('.govuk-notification-banner--success')).toContain(
      'Your draft has been saved',
    );
    // Saved again with nothing changed: nothing is recorded, and the page says so rather than "saved".
    await page.getByRole('button', { name: 'Save and come back later' }).click();
    await page.waitForURL('**?unchanged=1');
    expect(await page.locator('.govuk-notification-banner--success').count()).toBe(0);
    expect(await page.textContent('#unchanged')).toContain(
      'Nothing has changed since you last saved. You can leave now and come back to it from the link in your email.',
    );
    await checkBothWidths(page, 'history-06b-nothing-changed');
  });

  it('says, first and in the title, that a return changed since check answers opened was not submitted', async () => {
    const draft = (narrative: string) =>
      call('PUT', `/returns/${thisYear}.S2/draft`, as.lead('sevenoaks-csp'), {
        rag: 'amber',
        narrative,
        dot: 'no-change',
      });
    await draft('Ready to send');
    await page.goto(`${product.baseUrl}/agency/returns/${thisYear}.S2/check`);
    await draft('Changed in another tab');
    await page.getByRole('button', { name: 'Submit return' }).click();
    expect(await page.textContent('#notice')).toContain('This return changed after you opened this page');
    expect(await page.title()).toMatch(/^Error: Check your return before you submit it - /);
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('notice');
    await checkBothWidths(page, 'history-06c-stale-submit');
  });

  it('says the session ended, with the way back, and gives back the typing', async () => {
    const ctx = await leadContext();
    const p = await ctx.newPage();
    await p.goto(`${product.baseUrl}/agency/returns/${thisYear}.S3`);
    await p.getByLabel('Progress this period').fill('Typed as the session ran out');
    await ctx.clearCookies({ name: 'pr_session' });
    await p.getByRole('button', { name: 'Save and come back later' }).click();
    expect(await p.textContent('h1')).toBe('Your session has ended');
    expect(await p.getByLabel('Progress this period').inputValue()).toBe('Typed as the session ran out');
    await checkBothWidths(p, 'history-07-session-ended');
    await ctx.close();
  });

  it('works without JavaScript, and keeps the typing when the cycle closes mid-edit', async () => {
    // axe and the width check run scripts in the page, so the pages are checked in the JavaScript browser.
    const ctx = await leadContext({ javaScriptEnabled: false });
    const p = await ctx.newPage();
    await p.goto(`${product.baseUrl}/agency/returns/${thisYear}.S3`);
    await p.getByLabel('Progress this period').fill('First save without JavaScript');
    await p.getByRole('button', { name: 'Save and come back later' }).click();
    expect(await p.textContent('.govuk-notification-banner--success')).toContain('Your draft has been saved');
    await p.getByLabel('Progress this period').fill('Typed while the cycle closed');
    await page.goto(`${product.baseUrl}/agency/returns/${thisYear}.S2`);
    await page.getByLabel('Progress this period').fill('Also typed while it closed');

    await call('POST', `/cycles/${thisYear}/close`, as.coordinator, { force: true, reason: 'Year end' });
    await p.getByRole('button', { name: 'Save and come back later' }).click();
    expect(await p.textContent('#notice')).toContain('This monitoring cycle has closed');
    expect(await p.getByLabel('Progress this period').inputValue()).toBe('Typed while the cycle closed');
    await ctx.close();

    await page.getByRole('button', { name: 'Save and come back later' }).click();
    expect(await page.textContent('#notice')).toContain('This monitoring cycle has closed');
    expect(await page.getByLabel('Progress this period').inputValue()).toBe('Also typed while it closed');
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('notice');
    await checkBothWidths(page, 'history-08-closed-mid-edit');
  });
});
