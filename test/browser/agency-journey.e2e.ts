import { Browser, BrowserContext, Page } from 'playwright-core';
import { checkPage, fitsNarrowScreen, launchBrowser } from '../support/browser.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from '../support/product.js';

/** The agency lead's journey in a real browser, from the link in the mail caught by the SMTP server. */
describe('agency lead in the browser (e2e)', () => {
  let product: Product;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cycleId: string;
  const lead = sevenoaksPlan()
    .agencies.find((a) => a.id === 'sevenoaks-csp')!
    .contacts.find((c) => c.role === 'lead')!;

  beforeAll(async () => {
    product = await startProduct('browser_agency');
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
    cycleId = drafted.body.id;
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1', 'S2', 'S3'] });
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  it('follows the emailed link, fills in a return, checks it and submits it', async () => {
    const mail = await eventually(async () => product.smtp.mails.find((m) => m.to.includes(lead.email)));
    const link = /(http:\/\/\S+\/l\/[A-Za-z0-9_-]{43})/
      .exec(mail.text)![1]
      .replace(product.config.publicBaseUrl, product.baseUrl);

    await page.goto(link);
    await checkPage(page, '01-link-continue');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`**/agency/cycles/${cycleId}`);
    expect(await page.textContent('h1')).toContain('Your returns for Year 1 2019/20');
    expect(await page.locator('.govuk-task-list__item').count()).toBe(3);
    await checkPage(page, '02-task-list');
    expect(await fitsNarrowScreen(page)).toBe(true);

    await page.getByRole('link', { name: /^S1:/ }).click();
    await checkPage(page, '03-return-form');
    await page.getByLabel('Green: on target').check();
    await page
      .getByLabel('Progress this period')
      .fill(
        'The plan is **98%** on target.\n\n- 600 daily taskings\n  - follow-up visits\n\n<script>alert(1)</script>',
      );
    await page.getByLabel('Improving').check();
    await page
      .getByLabel('Comments on the direction of travel (optional)')
      .fill('Consistently above 85% target');
    await page.getByRole('button', { name: 'Preview the narrative' }).click();
    const preview = page.locator('.app-preview');
    expect(await preview.locator('ul ul li').textContent()).toBe('follow-up visits');
    expect(await preview.locator('script').count()).toBe(0);
    await checkPage(page, '04-preview');

    await page.getByRole('button', { name: 'Save and come back later' }).click();
    expect(await page.textContent('.govuk-notification-banner--success')).toContain(
      'Your draft has been saved',
    );
    // The form is in steps: tables and case studies are optional, so they are passed through here.
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL('**/tables');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL('**/case-studies');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await page.waitForURL('**/check');
    expect(await page.textContent('.govuk-summary-list')).toContain('Green: on target');
    await checkPage(page, '05-check-answers');
    await page.getByRole('button', { name: 'Submit return' }).click();
    await page.waitForURL('**/submitted');
    expect(await page.textContent('.govuk-panel__title')).toContain('Return submitted');
    // A link from "send me a new link" opens once, so the page promises the mail's way back, not "the same link".
    const confirmation = await page.textContent('main');
    expect(confirmation).toContain('we will email you with their reason and how to change it');
    expect(confirmation).not.toContain('same link');
    await checkPage(page, '06-confirmation');

    const stored = await http(product.baseUrl)('GET', `/returns/${cycleId}.S1`, as.coordinator);
    expect(stored.body).toMatchObject({ status: 'submitted', content: { rag: 'green', dot: 'improving' } });
    expect(stored.body.content.narrative).toContain('<script>alert(1)</script>');
    expect(stored.body.narrativeHtml).not.toContain('<script>');
  });

  it('refuses a form posted without its CSRF token', async () => {
    const response = await page.request.post(`${product.baseUrl}/agency/returns/${cycleId}.S2`, {
      form: { rag: 'red', action: 'save' },
      headers: { accept: 'text/html' },
    });
    expect(response.status()).toBe(403);
    const state = await http(product.baseUrl)('GET', `/returns/${cycleId}.S2`, as.coordinator);
    expect(state.body.status).toBe('requested');
  });

  it('says what to do next on its error pages, and they pass axe too', async () => {
    const anonymous = await browser.newContext();
    const visitor = await anonymous.newPage();
    await visitor.goto(`${product.baseUrl}/l/${'x'.repeat(43)}`);
    // The landing page itself says so: no Continue to a dead end.
    expect(await visitor.textContent('h1')).toBe('This link is not recognised');
    expect(await visitor.getByRole('button', { name: 'Continue' }).count()).toBe(0);
    await checkPage(visitor, '08-link-not-recognised');
    await anonymous.close();

    await page.goto(`${product.baseUrl}/agency/returns/${cycleId}.NOPE`);
    expect(await page.textContent('h1')).toBe('Page not found');
    await checkPage(page, '09-not-found');
    await page.goto(`${product.baseUrl}/review`);
    expect(await page.textContent('h1')).toBe('You cannot do that');
    await checkPage(page, '10-wrong-role');
  });

  it('works without JavaScript', async () => {
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    const staff = await noScript.newPage();
    await staff.goto(`${product.baseUrl}/sign-in`);
    await staff.getByLabel('Email address').fill(STAFF.coordinator);
    await staff.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await staff.getByRole('button', { name: 'Sign in' }).click();
    await staff.waitForURL('**/coordinate');
    await staff.getByRole('link', { name: 'Year 1 2019/20' }).click();
    expect(await staff.textContent('h1')).toBe('Year 1 2019/20');
    await noScript.close();
  });

  it('tells a person without a session on an agency page to use their emailed link, not the staff sign-in', async () => {
    const anonymous = await browser.newContext();
    const fresh = await anonymous.newPage();
    await fresh.goto(`${product.baseUrl}/agency/cycles/${cycleId}`);
    expect(fresh.url()).not.toContain('/sign-in');
    expect(await fresh.textContent('h1')).toBe('Your session has ended');
    expect(await fresh.textContent('main')).toContain('click the link in the most recent email');
    await checkPage(fresh, '07-session-ended');
    await fresh.goto(`${product.baseUrl}/review`);
    expect(fresh.url()).toContain('/sign-in');
    await checkPage(fresh, '07-sign-in');
    await anonymous.close();
  });
});
