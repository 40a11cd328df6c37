import { Browser, Page } from 'playwright-core';
import { checkPage, launchBrowser } from '../support/browser.js';
import { signInThroughForm, staffPage } from '../support/journeys.js';
import { as, http, importSevenoaks, Product, STAFF, startProduct } from '../support/product.js';

/**
 * Two-stage sign-off in a real browser, each page at 1280 and 320 px (axe, no sideways scroll): a reviewer
 * approves a return and is told it now waits for acceptance; a board member signs in to the acceptance queue,
 * accepts one return, tries to return another without a reason (the GOV.UK error pattern) and then with one;
 * and, without JavaScript, accepts a return a reviewer approved again. The coordinator's dashboard tags both
 * stages.
 */
describe('two-stage sign-off in the browser (e2e)', () => {
  jest.setTimeout(240_000);
  let product: Product;
  let browser: Browser;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  const id = (ref: string) => `${cycleId}.${ref}`;

  async function atBothWidths(p: Page, name: string) {
    await checkPage(p, `two-stage-${name}-1280`);
    await p.setViewportSize({ width: 320, height: 800 });
    const fits = await p.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
    expect({ name, fits }).toEqual({ name, fits: true });
    await checkPage(p, `two-stage-${name}-320`);
    await p.setViewportSize({ width: 1280, height: 900 });
  }

  /** Signed in (see staffPage) and at `lands`, the page the sign-in form would land them on. */
  async function signIn(email: string, lands: string, javaScriptEnabled = true): Promise<Page> {
    const page = await staffPage(browser, product, email, lands, { javaScriptEnabled });
    page.context().setDefaultTimeout(20_000);
    return page;
  }

  const reviewPage = (page: Page, ref: string) =>
    page.goto(`${product.baseUrl}/review/returns/${encodeURIComponent(id(ref))}`);

  beforeAll(async () => {
    product = await startProduct('browser_two_stage');
    await importSevenoaks(product.store);
    browser = await launchBrowser();
    call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 1 2019/20, signed off by the board',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
      signOff: 'two-stage',
    });
    cycleId = drafted.body.id;
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1', 'S2', 'S3'] });
    for (const ref of ['S1', 'S2', 'S3']) {
      const submitted = await call('POST', `/returns/${id(ref)}/submit`, as.lead('sevenoaks-csp'), {
        rag: 'green',
        narrative: `${ref}: on target`,
      });
      expect(submitted.status).toBe(200);
    }
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  it('a reviewer approves, and is told the return now waits for acceptance', async () => {
    const page = await signIn(STAFF.reviewer, '/review');
    await reviewPage(page, 'S1');
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL('**/review?approved=*');
    expect(await page.textContent('.govuk-notification-banner')).toContain(
      'Approved S1 for Sevenoaks District Community Safety Partnership: it now waits for acceptance',
    );
    await atBothWidths(page, 'approved-banner');
    for (const ref of ['S2', 'S3'])
      expect((await call('POST', `/returns/${id(ref)}/approve`, as.reviewer)).status).toBe(200);
  });

  it('a board member accepts from the acceptance queue', async () => {
    // Through the sign-in page here: the form's redirect is what takes a board member to this queue.
    const page = await signInThroughForm(browser, product, STAFF.board, '**/review?state=to-accept');
    page.context().setDefaultTimeout(20_000);
    expect(await page.textContent('h1')).toBe('Returns to accept');
    expect(await page.textContent('main')).toContain('3 returns waiting for acceptance');
    await atBothWidths(page, 'queue');
    await page
      .getByRole('link', { name: 'Accept or return S1 for Sevenoaks District Community Safety Partnership' })
      .click();
    await page.waitForURL(`**/review/returns/${id('S1')}`);
    expect(await page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await atBothWidths(page, 'accept-page');
    await page.getByRole('button', { name: 'Accept for the report' }).click();
    await page.waitForURL('**/review?state=to-accept&accepted=*');
    expect(await page.textContent('.govuk-notification-banner')).toContain(
      'Accepted S1 for Sevenoaks District Community Safety Partnership: the report now shows it',
    );
    const types = (await product.store.readStream(`return:${id('S1')}`)).map((e) => e.type);
    expect(types).toEqual(['ReturnRequested', 'ReturnSubmitted', 'ReturnApproved', 'ReturnAccepted']);
  });

  it('returning to review needs a reason, in the GOV.UK error pattern', async () => {
    const page = await signIn(STAFF.board, '/review?state=to-accept');
    await reviewPage(page, 'S2');
    await page.getByRole('button', { name: 'Return to review' }).click();
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.getAttribute('.govuk-error-summary a', 'href')).toBe('#reason');
    expect(await page.textContent('#reason-error')).toContain('Say what the reviewer should look at again');
    await atBothWidths(page, 'return-error');
    await page.getByLabel('Or return it to review').fill('Check the figure against the police survey');
    await page.getByRole('button', { name: 'Return to review' }).click();
    await page.waitForURL('**/review?state=to-accept&returned=*');
    expect(await page.textContent('.govuk-notification-banner')).toContain('Returned S2 for');

    // The reviewer sees why, at the top of the return.
    const reviewer = await signIn(STAFF.reviewer, '/review');
    await reviewPage(reviewer, 'S2');
    expect(await reviewer.textContent('#returned-to-review')).toContain(
      'Check the figure against the police survey',
    );
  });

  it('works without JavaScript, and the dashboard tags both stages', async () => {
    const page = await signIn(STAFF.board, '/review?state=to-accept', false);
    await reviewPage(page, 'S3');
    await page.getByRole('button', { name: 'Accept for the report' }).click();
    await page.waitForURL('**/review?state=to-accept&accepted=*');
    expect(await page.textContent('.govuk-notification-banner')).toContain('Accepted S3');

    expect((await call('POST', `/returns/${id('S2')}/approve`, as.reviewer2)).status).toBe(200);
    const coordinator = await signIn(STAFF.coordinator, '/coordinate');
    await coordinator.goto(`${product.baseUrl}/coordinate/cycles/${encodeURIComponent(cycleId)}`);
    const main = (await coordinator.textContent('main')) ?? '';
    expect(main).toContain('Waiting for acceptance');
    expect(main).toContain('Accepted');
    expect(main).not.toMatch(/\bApproved\b/);
    await atBothWidths(coordinator, 'dashboard');
    await coordinator.goto(
      `${product.baseUrl}/coordinate/cycles/${encodeURIComponent(cycleId)}/agencies/sevenoaks-csp`,
    );
    const tags = await coordinator.locator('main .govuk-tag').allTextContents();
    expect(tags.map((t) => t.trim()).sort()).toEqual(['Accepted', 'Accepted', 'Waiting for acceptance']);
  });
});
