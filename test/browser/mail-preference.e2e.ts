import { Browser, BrowserContext, Page } from 'playwright-core';
import { checkPage, fitsNarrowScreen, launchBrowser } from '../support/browser.js';
import { as, http, PASSWORD, Product, STAFF, startProduct } from '../support/product.js';

/**
 * A reviewer chooses how they hear of submissions on their account page, in Chromium and with JavaScript off:
 * GOV.UK radios, the choice saved as an event, read back by the API; nothing chosen, or a choice made meanwhile
 * in another window, comes back in the GOV.UK error pattern. Each page: axe finds nothing at 1280 and 320 px.
 */
describe('the mail preference on the account page, in the browser (e2e)', () => {
  jest.setTimeout(300_000);
  let product: Product;
  let browser: Browser;
  let call: ReturnType<typeof http>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    product = await startProduct('browser_mail');
    browser = await launchBrowser();
    call = http(product.baseUrl);
  }, 300_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await product.stop();
  });

  async function signedIn(javaScriptEnabled = true): Promise<Page> {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${product.baseUrl}/sign-in`);
    await page.getByLabel('Email address').fill(STAFF.reviewer);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForLoadState('load');
    return page;
  }

  async function look(page: Page, name: string): Promise<void> {
    await page.waitForLoadState('load');
    await checkPage(page, `mail-${name}-1280`);
    await page.setViewportSize({ width: 320, height: 800 });
    try {
      await checkPage(page, `mail-${name}-320`);
      expect({ page: name, fits: await fitsNarrowScreen(page) }).toEqual({ page: name, fits: true });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  }

  const delivery = async () => (await call('GET', '/me/mail-preferences', as.reviewer)).body.delivery;

  it('chooses "at once" with the radios, and says so', async () => {
    const page = await signedIn();
    await page.goto(`${product.baseUrl}/account`);
    expect(await page.getByLabel('Hourly digests (the default)').isChecked()).toBe(true);
    await look(page, 'account');

    await page.getByLabel('At once').check();
    await page.getByRole('button', { name: 'Save mail choice' }).click();
    await page.waitForLoadState('load');
    expect(
      await page
        .getByText('Saved: you will get one mail for each submission or message, at once.')
        .isVisible(),
    ).toBe(true);
    expect(await page.getByLabel('At once').isChecked()).toBe(true);
    expect(await delivery()).toBe('at-once');
    await look(page, 'account-saved');
  });

  it('shows the GOV.UK error pattern when nothing is chosen, and when another window changed it first', async () => {
    const page = await signedIn();
    await page.goto(`${product.baseUrl}/account`);
    // No browser lets a radio group be emptied, but a crafted post can: the page says what is wrong.
    await page.evaluate(
      "document.querySelectorAll('input[name=delivery]').forEach((radio) => { radio.checked = false; })",
    );
    await page.getByRole('button', { name: 'Save mail choice' }).click();
    await page.waitForLoadState('load');
    expect(await page.title()).toMatch(/^Error: Your account/);
    const summary = page.locator('.govuk-error-summary');
    expect(
      await summary
        .getByRole('link', { name: 'Select how you want to hear of new submissions and messages' })
        .getAttribute('href'),
    ).toBe('#delivery');
    expect(await page.locator('#delivery-error').textContent()).toContain(
      'Select how you want to hear of new submissions and messages',
    );
    await look(page, 'account-error');
    expect(await delivery()).toBe('at-once'); // nothing changed

    // Another window (here the API) changes the choice after this page was read: the save is refused, not lost.
    await page.goto(`${product.baseUrl}/account`);
    expect((await call('PUT', '/me/mail-preferences', as.reviewer, { delivery: 'digest' })).status).toBe(200);
    await page.getByLabel('At once').check();
    const answer = page.waitForResponse((r) => r.url().endsWith('/account/mail-preferences'));
    await page.getByRole('button', { name: 'Save mail choice' }).click();
    expect((await answer).status()).toBe(409);
    await page.waitForLoadState('load');
    expect(await page.title()).toMatch(/^Error: /);
    expect(await page.locator('#delivery-error').textContent()).toContain('changed in another window');
    expect(await page.getByLabel('Hourly digests').isChecked()).toBe(true);
    expect(await delivery()).toBe('digest');
  });

  it('works without JavaScript', async () => {
    const page = await signedIn(false);
    await page.goto(`${product.baseUrl}/account`);
    await page.getByLabel('At once').check();
    await page.getByRole('button', { name: 'Save mail choice' }).click();
    await page.waitForLoadState('load');
    expect(
      await page
        .getByText('Saved: you will get one mail for each submission or message, at once.')
        .isVisible(),
    ).toBe(true);
    expect(await delivery()).toBe('at-once');
  });
});
