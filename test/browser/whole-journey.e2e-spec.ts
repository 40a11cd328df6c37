import { Browser, Page } from 'playwright-core';
import { checkPage, fitsNarrowScreen, launchBrowser } from '../support/browser.js';
import {
  eventually,
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from '../support/product.js';

/**
 * The whole journey in a real browser: the coordinator opens a cycle; the agency lead follows the link in the
 * mail and submits; the reviewer sends it back; the lead fixes and resubmits; the reviewer approves; the
 * coordinator closes the cycle and downloads the report. A screenshot of each page is kept.
 */
describe('the whole journey in the browser (e2e)', () => {
  let product: Product;
  let browser: Browser;
  const csp = sevenoaksPlan().agencies.find((a) => a.id === 'sevenoaks-csp')!;
  const leadEmail = csp.contacts.find((c) => c.role === 'lead')!.email;

  beforeAll(async () => {
    product = await startProduct('browser_journey');
    await importSevenoaks(product.store);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  async function signIn(email: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${product.baseUrl}/sign-in`);
    await page.getByLabel('Email address').fill(email);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    return page;
  }

  it('runs a cycle from opening to the report', async () => {
    // The coordinator opens a cycle.
    const coordinator = await signIn(STAFF.coordinator);
    await coordinator.waitForURL('**/coordinate');
    await checkPage(coordinator, 'j01-coordinator-cycles');
    await coordinator.getByRole('button', { name: 'Open a monitoring cycle' }).click();
    await checkPage(coordinator, 'j02-open-cycle');
    await coordinator.getByLabel('Name of the cycle').fill('Year 1 2019/20 (April 2019 - March 2020)');
    // GOV.UK date inputs: day, month and year in boxes of their own.
    for (const [name, [day, month, year]] of [
      ['periodStart', ['1', '4', '2019']],
      ['periodEnd', ['31', '3', '2020']],
      ['dueDate', ['30', '4', '2030']],
    ] as const) {
      await coordinator.fill(`#${name}-day`, day);
      await coordinator.fill(`#${name}-month`, month);
      await coordinator.fill(`#${name}-year`, year);
    }
    await coordinator.getByRole('button', { name: 'Open the cycle' }).click();
    await coordinator.waitForURL('**/coordinate/cycles/*');
    expect(await coordinator.textContent('.govuk-notification-banner--success')).toContain('Cycle opened');
    await checkPage(coordinator, 'j03-dashboard');
    expect(await fitsNarrowScreen(coordinator)).toBe(true);
    const cycleId = coordinator.url().split('/coordinate/cycles/')[1].split('?')[0];
    // An agency's chase button is on its page, one click from the dashboard's chart.
    await coordinator.getByRole('link', { name: 'Kent County Council', exact: true }).click();
    await coordinator.waitForURL('**/agencies/kent-cc');
    await coordinator
      .locator('form[action$="/chase"]:has(input[name="agencyId"][value="kent-cc"]) button')
      .click();
    expect(await coordinator.textContent('.govuk-notification-banner--success')).toContain('Chase sent');
    // Kent County Council's lead gets the chase digest beside the mail that brought the link.
    const toKent = await eventually(async () => {
      const mails = product.smtp.mails.filter((m) => m.to.includes('samuel.adeyemi@example.org'));
      return mails.length >= 2 ? mails : null;
    });
    expect(toKent).toHaveLength(2);

    // The agency lead follows the link in the mail.
    const mail = await eventually(async () => product.smtp.mails.find((m) => m.to.includes(leadEmail)));
    const link = /(http:\/\/\S+\/l\/[A-Za-z0-9_-]{43})/
      .exec(mail.text)![1]
      .replace(product.config.publicBaseUrl, product.baseUrl);
    const leadContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const lead = await leadContext.newPage();
    await lead.goto(link);
    await lead.getByRole('button', { name: 'Continue' }).click();
    await lead.waitForURL(`**/agency/cycles/${cycleId}`);
    await lead.getByRole('link', { name: /^S1:/ }).click();
    await lead.getByLabel('Amber: some concern').check();
    await lead.getByLabel('Progress this period').fill('Most actions are on track.');
    await lead.getByLabel('No change').check();
    // Tables and case studies are optional steps of the form: passed through to check answers.
    for (const step of ['**/tables', '**/case-studies', '**/check']) {
      await lead.getByRole('button', { name: 'Save and continue' }).click();
      await lead.waitForURL(step);
    }
    await lead.getByRole('button', { name: 'Submit return' }).click();
    await lead.waitForURL('**/submitted');

    // The reviewer sends it back with a reason.
    const reviewer = await signIn(STAFF.reviewer);
    await reviewer.waitForURL('**/review');
    await checkPage(reviewer, 'j04-review-queue');
    await reviewer.getByRole('link', { name: 'Review S1' }).click();
    await reviewer.waitForURL('**/review/returns/**');
    await checkPage(reviewer, 'j05-review-return');
    await reviewer.getByRole('button', { name: 'Send back' }).click();
    expect(await reviewer.textContent('.govuk-error-summary')).toContain('Say what needs to change');
    await reviewer
      .getByLabel('Or send it back: what needs to change?')
      .fill('Please add the percentage on target.');
    await reviewer.getByRole('button', { name: 'Send back' }).click();
    await reviewer.waitForURL('**/review?sent-back=*');

    // The lead sees why, fixes it and resubmits.
    const sentBack = await eventually(
      async () =>
        product.smtp.mails.find((m) => m.to.includes(leadEmail) && /sent back|changes/i.test(m.subject)) ??
        true,
    );
    expect(sentBack).toBeTruthy();
    await lead.goto(`${product.baseUrl}/agency/returns/${cycleId}.S1`);
    expect(await lead.textContent('.govuk-notification-banner')).toContain(
      'Please add the percentage on target.',
    );
    await checkPage(lead, 'j06-sent-back');
    await lead.getByLabel('Green: on target').check();
    await lead.getByLabel('Progress this period').fill('The plan is at **98%** on target.');
    // Tables and case studies are optional steps of the form: passed through to check answers.
    for (const step of ['**/tables', '**/case-studies', '**/check']) {
      await lead.getByRole('button', { name: 'Save and continue' }).click();
      await lead.waitForURL(step);
    }
    await lead.getByRole('button', { name: 'Submit return' }).click();
    await lead.waitForURL('**/submitted');

    // A different reviewer approves it, seeing what changed since the first submission.
    await reviewer.goto(`${product.baseUrl}/review/returns/${cycleId}.S1`);
    expect(await reviewer.textContent('main')).toContain('Changed since it was sent back');
    await reviewer.getByRole('button', { name: 'Approve' }).click();
    await reviewer.waitForURL('**/review?approved=*');

    // The coordinator sees the history, closes the cycle and downloads the report.
    await coordinator.goto(`${product.baseUrl}/coordinate/returns/${cycleId}.S1`);
    const history = await coordinator.textContent('.app-history');
    // In words (issue 13 point 8): what, with the reason, and who by name, never an event type or an email.
    expect(history).toContain('Sent back: Please add the percentage on target.');
    expect(history).toContain('Sevenoaks District Community Safety Partnership');
    expect(history).not.toMatch(/ReturnSentBack|@/);
    await checkPage(coordinator, 'j07-return-history');
    await coordinator.goto(`${product.baseUrl}/coordinate/cycles/${cycleId}`);
    await coordinator.locator('summary', { hasText: 'Close the cycle' }).click();
    await coordinator.getByLabel('Close even though some returns are not approved or withdrawn').check();
    await coordinator.getByLabel('Reason (needed when closing early)').fill('Year end');
    await coordinator.locator('form[action$="/close"] button').click();
    expect(await coordinator.textContent('.govuk-notification-banner--success')).toContain('Cycle closed');
    await coordinator.getByRole('button', { name: 'Publish the report' }).click();
    expect(await coordinator.textContent('.govuk-notification-banner--success')).toContain(
      'Report published',
    );
    await checkPage(coordinator, 'j08-published');
    for (const format of ['json', 'html', 'csv', 'xlsx']) {
      const download = await coordinator.request.get(
        `${product.baseUrl}/cycles/${cycleId}/report?published=latest&format=${format}`,
      );
      expect([format, download.status()]).toEqual([format, 200]);
      if (format === 'json' || format === 'html' || format === 'csv')
        expect(await download.text()).toContain('98%');
    }
    await coordinator.getByRole('link', { name: 'The published report' }).click();
    await coordinator.waitForURL('**/report?published=latest&format=html');
    await checkPage(coordinator, 'j09-published-report');

    await coordinator.goto(`${product.baseUrl}/coordinate/plan`);
    await checkPage(coordinator, 'j10-plan');
  }, 300_000);
});
