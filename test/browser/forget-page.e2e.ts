import { Browser } from 'playwright-core';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import {
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from '../support/product.js';

/**
 * "Forget this person" in the browser (issue 17 point 2): the page for an agency contact, reached from the plan,
 * and for a member of staff, reached from their page on the staff list. Each is axe-checked at 1280 and 320 px
 * with its error state; a contact is then forgotten without JavaScript.
 */
describe('the forget-this-person pages, in the browser (e2e)', () => {
  const kent = sevenoaksPlan().agencies.find((a) => a.id === 'kent-cc')!;
  const fiona = kent.contacts.find((c) => c.name === 'Fiona Marsh')!;
  let product: Product;
  let browser: Browser;

  beforeAll(async () => {
    product = await startProduct('browser_forget');
    await importSevenoaks(product.store);
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  const signedIn = async (javaScriptEnabled: boolean, path: string) => {
    const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
    await page.goto(`${product.baseUrl}${path}`);
    await page.waitForURL('**/sign-in?next=*');
    await page.getByLabel('Email address').fill(STAFF.coordinator);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**${path}`);
    return page;
  };

  // axe runs in the page, so these checks need JavaScript; the forgetting itself is then done without it.
  it('shows the contact’s and the staff member’s pages and their error state, axe-checked at both widths', async () => {
    const page = await signedIn(true, '/coordinate/plan');
    await page
      .locator(`a[href*="${encodeURIComponent(`kent-cc~${fiona.email}`)}/forget"]`)
      .first()
      .click();
    expect(await page.textContent('h1')).toBe('Forget Fiona Marsh?');
    await checkBothWidths(page, 'forget-01-contact');
    await page.getByRole('button', { name: 'Forget this person' }).click();
    expect(await page.title()).toMatch(/^Error: Forget Fiona Marsh\?/);
    expect(await page.textContent('.govuk-error-summary')).toContain('reason');
    await checkBothWidths(page, 'forget-02-contact-no-reason');

    const [{ staff_id: vic }] = await product.db.dataSource.query(
      `SELECT staff_id FROM staff_accounts WHERE email = $1`,
      [STAFF.viewer],
    );
    await page.goto(`${product.baseUrl}/coordinate/staff/${vic}`);
    await page.getByRole('link', { name: 'Forget viewer' }).click();
    expect(await page.textContent('h1')).toBe('Forget viewer?');
    expect(await page.textContent('main')).toContain('their account is deleted');
    await checkBothWidths(page, 'forget-03-staff');
  }, 240_000);

  it('forgets a contact without JavaScript, back on the plan with a banner', async () => {
    const path = `/coordinate/plan/contact/${encodeURIComponent(`kent-cc~${fiona.email}`)}/forget`;
    const page = await signedIn(false, path);
    await page.getByLabel('Why are they being forgotten?').fill('Left the council; erasure asked for');
    await page.getByRole('button', { name: 'Forget this person' }).click();
    await page.waitForURL('**/coordinate/plan?done=*');
    expect(await page.textContent('.govuk-notification-banner')).toContain('Person forgotten');
    expect(await page.textContent('main')).not.toContain(fiona.email);
  }, 120_000);
});
