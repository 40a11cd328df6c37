import { Browser } from 'playwright-core';
import { scopedCycleId } from '../../libs/kernel/src/index.js';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import { as, http, importSevenoaks, PASSWORD, Product, STAFF, startProduct } from '../support/product.js';
import { openCycle, submitAndApprove } from '../support/reporting.js';

/**
 * The coordinator's redaction page (issue 17 point 3): choose the field, paste the passage, give a reason,
 * confirm. A passage the field does not hold comes back with the GOV.UK error summary and the field's error; a
 * confirmed one is redacted without JavaScript, and the return page shows it so. The form and its error page are
 * axe-checked at 1280 and 320 px.
 */
describe('the redaction page, in the browser (e2e)', () => {
  const NAME = 'Robin Pageable-Example';
  const CLIENT = 'Jo Messaged-Pageable';
  const cycleId = scopedCycleId('sevenoaks-lsp', 'y1-2019-20');
  const S1 = `${cycleId}.S1`;
  let product: Product;
  let browser: Browser;

  beforeAll(async () => {
    product = await startProduct('browser_redact');
    await importSevenoaks(product.store);
    const call = http(product.baseUrl);
    await openCycle(
      call,
      as.coordinator,
      {
        cycleId,
        label: 'Year 1 2019/20',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2030-04-30',
      },
      ['S1'],
    );
    await submitAndApprove(call, S1, as.coordinator, as.reviewer, {
      rag: 'green',
      narrative: `Our youth worker supported ${NAME} into college.`,
    });
    // The agency's lead names a client in a message on the return's thread.
    const lead = as.lead((await call('GET', `/returns/${S1}`, as.coordinator)).body.agencyId);
    const posted = await call('POST', `/returns/${S1}/messages`, lead, {
      body: `We placed ${CLIENT} with a mentor.`,
    });
    expect(posted.status).toBe(201);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  const signedIn = async (javaScriptEnabled: boolean) => {
    const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
    await page.goto(`${product.baseUrl}/coordinate/returns/${S1}`);
    await page.waitForURL('**/sign-in?next=*');
    await page.getByLabel('Email address').fill(STAFF.coordinator);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**/coordinate/returns/${S1}`);
    await page.getByRole('link', { name: 'Redact a passage' }).click();
    expect(await page.textContent('h1')).toBe('Redact a passage');
    return page;
  };

  // axe runs in the page, so these checks need JavaScript; the redaction itself is then made without it.
  it('shows the form and its error page, axe-checked at both widths', async () => {
    const page = await signedIn(true);
    await checkBothWidths(page, 'redact-01-form');
    await page.getByLabel('Comments').check();
    await page.getByLabel('The passage to redact').fill(NAME);
    await page.getByLabel('Why is it redacted?').fill('Names a young person');
    await page.getByLabel('Yes, take this passage out').check();
    await page.getByRole('button', { name: 'Redact the passage' }).click();
    expect(await page.title()).toMatch(/^Error: Redact a passage/);
    expect(await page.textContent('.govuk-error-summary')).toContain('does not occur in the return');
    expect(await page.textContent('#passage-error')).toContain('does not occur');
    await checkBothWidths(page, 'redact-02-not-found');
  }, 480_000);

  it('redacts a confirmed passage without JavaScript, after saying it was not confirmed', async () => {
    const page = await signedIn(false);
    await page.getByLabel('Progress narrative').check();
    await page.getByLabel('The passage to redact').fill(NAME);
    await page.getByLabel('Why is it redacted?').fill('Names a young person');
    await page.getByRole('button', { name: 'Redact the passage' }).click();
    expect(await page.textContent('.govuk-error-summary')).toContain('Confirm that the passage');
    await page.getByLabel('Progress narrative').check();
    await page.getByLabel('Yes, take this passage out').check();
    await page.getByRole('button', { name: 'Redact the passage' }).click();
    await page.waitForURL(`**/coordinate/returns/${S1}?done=*`);
    expect(await page.textContent('.govuk-notification-banner')).toContain(
      'Passage redacted from the progress narrative',
    );
    const main = await page.textContent('main');
    expect(main).not.toContain(NAME);
    expect(main).toContain('Our youth worker supported [redacted] into college.');
    expect(main).toContain(
      'Redacted a passage of 22 characters from the progress narrative: Names a young person',
    );
  }, 240_000);

  it('redacts a passage from a message of the return’s thread, chosen on the same form', async () => {
    const page = await signedIn(false);
    await page.getByLabel(`Message m1: “We placed ${CLIENT} with a mentor.”`).check();
    await page.getByLabel('The passage to redact').fill(CLIENT);
    await page.getByLabel('Why is it redacted?').fill('Names a client');
    await page.getByLabel('Yes, take this passage out').check();
    await page.getByRole('button', { name: 'Redact the passage' }).click();
    await page.waitForURL(`**/coordinate/returns/${S1}?done=*`);
    expect(await page.textContent('.govuk-notification-banner')).toContain(
      'Passage redacted from message m1',
    );
    await page.goto(`${product.baseUrl}/review/returns/${S1}/messages`);
    const main = await page.textContent('main');
    expect(main).not.toContain(CLIENT);
    expect(main).toContain('We placed [redacted] with a mentor.');
  }, 240_000);
});
