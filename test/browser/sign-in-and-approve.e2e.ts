import { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { as, http, importSevenoaks, PASSWORD, Product, STAFF, startProduct } from '../support/product.js';

/**
 * A reviewer follows a link to a return before signing in, signs in, lands on that return and approves it at
 * once: the first form of the first page after signing in works (its page holds three forms, and a CSRF cookie
 * left from before the sign-in). The browser's own Origin and Sec-Fetch-Site headers are what the write rule
 * sees, so this also checks that the service's own pages pass it.
 */
describe('signing in and approving at once, in the browser (e2e)', () => {
  let product: Product;
  let browser: Browser;

  beforeAll(async () => {
    product = await startProduct('browser_sign_in_approve');
    await importSevenoaks(product.store);
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  it('approves a return on the first page after signing in', async () => {
    const call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Approved at once',
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2030-04-30',
    });
    const returnId = `${drafted.body.id}.S1`;
    await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, { measureRefs: ['S1'] });
    const submitted = await call('POST', `/returns/${returnId}/submit`, as.lead('sevenoaks-csp'), {
      rag: 'green',
      narrative: 'On target',
    });
    expect(submitted.status).toBe(200);

    const page = await (await browser.newContext()).newPage();
    await page.goto(`${product.baseUrl}/review/returns/${encodeURIComponent(returnId)}`);
    await page.waitForURL('**/sign-in?next=*');
    await page.getByLabel('Email address').fill(STAFF.reviewer);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**/review/returns/${returnId}`);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL('**/review?approved=*');
    expect(await page.textContent('.govuk-notification-banner')).toContain('Approved S1 for');
    expect(await page.textContent('main')).not.toContain('The form expired');

    const types = (await product.store.readStream(`return:${returnId}`)).map((e) => e.type);
    expect(types).toEqual(['ReturnRequested', 'ReturnSubmitted', 'ReturnApproved']);
  });
});
