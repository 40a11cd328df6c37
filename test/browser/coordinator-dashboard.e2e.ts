import { Browser, Page } from 'playwright-core';
import { checkBothWidths, keepScreenshot, launchBrowser } from '../support/browser.js';
import { as, http, importSevenoaks, PASSWORD, Product, STAFF, startProduct } from '../support/product.js';

/**
 * The coordinator's dashboard and the pages one click from it, in a real browser without JavaScript: each at
 * 1280 and 320 px wide with axe finding nothing and nothing scrolling sideways, the dashboard of the Sevenoaks
 * cycle within two screens at 1280 px, and a bad date kept as typed. Screenshots go to the test output folder.
 */
describe('the coordinator dashboard in the browser (e2e)', () => {
  let product: Product;
  let browser: Browser;
  let page: Page;
  /** The same coordinator in a browser with JavaScript off: the journeys must work without it. */
  let noScript: Page;
  let cycleId: string;
  const SCREEN = { width: 1280, height: 800 };

  beforeAll(async () => {
    product = await startProduct('browser_dashboard');
    await importSevenoaks(product.store);
    const call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20 (April 2019 - March 2020)',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2026-11-20',
      cycleId: 'y1-browser',
    });
    cycleId = drafted.body.id;
    expect((await call('POST', '/cycles/y1-browser/open', as.coordinator, {})).status).toBe(200);
    for (const [ref, action] of [
      ['S1', 'submit'],
      ['S2', 'submit'],
      ['S2', 'approve'],
    ] as const) {
      const id = encodeURIComponent(`${cycleId}.${ref}`);
      const read = await call('GET', `/returns/${id}`, as.coordinator);
      const who = action === 'submit' ? as.lead('sevenoaks-csp') : as.coordinator;
      const body = action === 'submit' ? { rag: 'green', narrative: 'Done', dot: 'improving' } : undefined;
      const done = await call(
        'POST',
        `/returns/${id}/${action}`,
        { ...who, 'if-match': read.headers.get('etag')! },
        body,
      );
      expect([ref, action, done.status]).toEqual([ref, action, 200]);
    }
    browser = await launchBrowser();
    // axe runs in the page, so the checked pages have JavaScript; the date journey runs again without it.
    page = await signIn(true);
    noScript = await signIn(false);
  }, 300_000);

  async function signIn(javaScriptEnabled: boolean): Promise<Page> {
    const context = await browser.newContext({ viewport: SCREEN, javaScriptEnabled });
    const signedIn = await context.newPage();
    await signedIn.goto(`${product.baseUrl}/sign-in`);
    await signedIn.getByLabel('Email address').fill(STAFF.coordinator);
    await signedIn.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await signedIn.getByRole('button', { name: 'Sign in' }).click();
    await signedIn.waitForURL('**/coordinate');
    return signedIn;
  }
  afterAll(async () => {
    await browser?.close();
    await product?.stop();
  });

  /**
   * The page's height once its layout holds still: just after a resize (checkBothWidths ends at 1280 px coming
   * from 320) a loaded machine was seen reading it mid-reflow, 45 px taller than the same page a moment later.
   */
  const height = async (): Promise<number> => {
    await page.waitForFunction(`window.innerWidth === ${SCREEN.width}`);
    const afterTwoFrames =
      'new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r(document.documentElement.scrollHeight))))';
    let last = -1;
    for (let i = 0; i < 20; i++) {
      const now = (await page.evaluate(afterTwoFrames)) as number;
      if (now === last) return now;
      last = now;
    }
    return last;
  };

  it('shows the Sevenoaks cycle within two screens at 1280 px, and at 320 px without scrolling sideways', async () => {
    await page.goto(`${product.baseUrl}/coordinate/cycles/${encodeURIComponent(cycleId)}`);
    await checkBothWidths(page, 'd01-dashboard', SCREEN);
    const tall = await height();
    // A page too tall leaves its picture (test-artifacts/screenshots) to show what took the room.
    const screenshot =
      tall > 2 * SCREEN.height ? await keepScreenshot(page, 'd01-dashboard-too-tall') : undefined;
    expect({ height: tall, screenshot }).toEqual({ height: Math.min(tall, 2 * SCREEN.height), screenshot });
    // The bars are drawn: each segment has a width, none needs a script.
    const widths = await page
      .locator('svg.app-chart__bar rect.app-chart__segment')
      .evaluateAll((rects) =>
        rects.map((r) => Number((r as unknown as { getAttribute(n: string): string }).getAttribute('width'))),
      );
    expect(widths.length).toBeGreaterThan(12);
    // A date never breaks across lines: its box is one line high.
    const due = page.locator('.govuk-caption-l .app-nowrap');
    await page.setViewportSize({ width: 320, height: 800 });
    const box = await due.boundingBox();
    expect(box!.height).toBeLessThan(40);
    await page.setViewportSize(SCREEN);
  });

  it("opens an agency's page from the chart, and the chase schedule and log from the dashboard", async () => {
    await page.getByRole('link', { name: 'Sevenoaks District Community Safety Partnership' }).click();
    await page.waitForURL('**/agencies/sevenoaks-csp');
    await checkBothWidths(page, 'd02-agency', SCREEN);
    await page.getByRole('button', { name: /Chase now/ }).click();
    expect(await page.textContent('.govuk-notification-banner--success')).toContain('Chase sent');
    await page.getByRole('link', { name: 'Back' }).click();
    await page.getByRole('link', { name: 'Chase schedule' }).click();
    await page.waitForURL('**/chase-schedule');
    expect(await page.textContent('h1')).toBe('Chase schedule');
    await checkBothWidths(page, 'd03-chase-schedule', SCREEN);
    await page.getByRole('link', { name: /Chase log/ }).click();
    await page.waitForURL('**/chases');
    expect(await page.textContent('main')).toContain('Sevenoaks District Community Safety Partnership');
    await checkBothWidths(page, 'd04-chase-log', SCREEN);
  });

  it.each([
    ['without JavaScript', 'sevenoaks-hat', () => noScript, false],
    ['checked at both widths', 'sevenoaks-dc', () => page, true],
  ] as const)(
    'keeps a bad date as typed and asks before a past one (%s)',
    async (_how, agencyId, which, check) => {
      const p = which();
      await p.goto(
        `${product.baseUrl}/coordinate/cycles/${encodeURIComponent(cycleId)}/agencies/${agencyId}`,
      );
      await p.fill('#dueDate-day', '31');
      await p.fill('#dueDate-month', '4');
      await p.fill('#dueDate-year', '2027');
      await p.getByLabel('Reason').fill('Waiting for the police figures');
      await p.getByRole('button', { name: 'Extend the deadline' }).click();
      expect(await p.title()).toMatch(/^Error: /);
      expect(await p.textContent('.govuk-error-summary')).toContain('New due date must be a real date');
      expect([
        await p.inputValue('#dueDate-day'),
        await p.inputValue('#dueDate-month'),
        await p.inputValue('#dueDate-year'),
        await p.getByLabel('Reason').inputValue(),
      ]).toEqual(['31', '4', '2027', 'Waiting for the police figures']);
      if (check) await checkBothWidths(page, 'd05-date-error', SCREEN);
      await p.fill('#dueDate-day', '25');
      await p.fill('#dueDate-month', '11');
      await p.fill('#dueDate-year', '2026');
      await p.getByRole('button', { name: 'Extend the deadline' }).click();
      expect(await p.textContent('.govuk-error-summary')).toContain('New due date is in the past');
      expect(await p.getByLabel('Reason').inputValue()).toBe('Waiting for the police figures');
      if (check) await checkBothWidths(page, 'd06-past-date', SCREEN);
      await p.getByLabel('Yes, the due date is in the past').check();
      await p.getByRole('button', { name: 'Extend the deadline' }).click();
      expect(await p.textContent('.govuk-notification-banner--success')).toContain(
        'Deadline extended to 25 November 2026',
      );
    },
  );

  it("says a refused reason for a new link beside its box on the agency's page, at both widths", async () => {
    await page.goto(`${product.baseUrl}/coordinate/cycles/${encodeURIComponent(cycleId)}/agencies/kent-cc`);
    await page.getByText('Send a new link to').click();
    await page.getByLabel('Why send a new link?').fill('   ');
    await page.getByRole('button', { name: 'Revoke and send a new link' }).click();
    expect(await page.title()).toMatch(/^Error: /);
    // The summary links to the box, open and in view, with the message beside it.
    await page.locator('.govuk-error-summary a[href="#reason-reissue"]').click();
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('reason-reissue');
    expect(await page.textContent('#reason-reissue-error')).toContain(
      'A reason is required to send a new link',
    );
    expect(await page.getAttribute('#reason-reissue', 'class')).toContain('govuk-input--error');
    await checkBothWidths(page, 'd08-reissue-reason-error', SCREEN);
  });

  it("revokes one link from the agency's page: a refused reason beside its box, at both widths, then revoked", async () => {
    await page.goto(
      `${product.baseUrl}/coordinate/cycles/${encodeURIComponent(cycleId)}/agencies/sevenoaks-csp`,
    );
    await page.getByText('Revoke the link sent to').first().click();
    const box = page.getByLabel('Why revoke this link?').first();
    const id = await box.getAttribute('id');
    expect(id).toMatch(/^reason-revoke-/);
    await box.fill('   ');
    await page.getByRole('button', { name: 'Revoke this link' }).first().click();
    expect(await page.title()).toMatch(/^Error: /);
    // The summary links to the box, its form open and in view, with the message beside it.
    await page.locator(`.govuk-error-summary a[href="#${id}"]`).click();
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe(id);
    expect(await page.textContent(`#${id}-error`)).toContain('A reason is required to revoke a link');
    expect(await page.getAttribute(`#${id}`, 'class')).toContain('govuk-input--error');
    await checkBothWidths(page, 'd09-revoke-reason-error', SCREEN);
    await page.locator(`#${id}`).fill('Sent to the wrong person');
    await page.locator(`form:has(#${id})`).getByRole('button', { name: 'Revoke this link' }).click();
    expect(await page.textContent('.govuk-notification-banner--success')).toContain('The link is revoked');
    expect(await page.locator(`#${id}`).count()).toBe(0);
  });

  it('opens a new cycle from date inputs, errors shown at both widths', async () => {
    await page.goto(`${product.baseUrl}/coordinate/cycles/new`);
    await page.getByLabel('Name of the cycle').fill('Year 2 2020/21');
    await page.fill('#periodStart-day', '1');
    await page.getByRole('button', { name: 'Open the cycle' }).click();
    expect(await page.title()).toMatch(/^Error: Open a monitoring cycle/);
    expect(await page.getByLabel('Name of the cycle').inputValue()).toBe('Year 2 2020/21');
    expect(await page.inputValue('#periodStart-day')).toBe('1');
    await checkBothWidths(page, 'd07-new-cycle-errors', SCREEN);
  });
});
