import { Browser, BrowserContext, Page } from 'playwright-core';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import { as, http, PASSWORD, Product, STAFF, startProduct } from '../support/product.js';

/**
 * A coordinator sets up single sign-on on its page, in Chromium (a plain form, which posts without script): GOV.UK inputs and a text
 * area for the role mapping, the error pattern for a bad line or a change made meanwhile (409, what was typed
 * kept), and then the partnership’s own sign-in page offers "Sign in with" the organisation. axe finds nothing at 1280 and 320 px.
 */
describe('the single sign-on page, in the browser (e2e)', () => {
  jest.setTimeout(300_000);
  let product: Product;
  let browser: Browser;
  let call: ReturnType<typeof http>;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    product = await startProduct('browser_sso');
    browser = await launchBrowser();
    call = http(product.baseUrl);
  }, 300_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await product.stop();
  });

  async function newPage(): Promise<Page> {
    // axe runs as a script in the page, so JavaScript stays on; the form itself is a plain post either way.
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
    });
    contexts.push(context);
    return context.newPage();
  }

  async function coordinator(): Promise<Page> {
    const page = await newPage();
    await page.goto(`${product.baseUrl}/sign-in`);
    await page.getByLabel('Email address').fill(STAFF.coordinator);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForLoadState('load');
    await page.goto(`${product.baseUrl}/coordinate/sign-on`);
    return page;
  }

  async function fill(page: Page, rules: string): Promise<void> {
    await page.getByLabel('Organisation').fill('Sevenoaks District Council');
    await page.getByLabel('Issuer URL').fill('https://login.microsoftonline.com/tenant/v2.0');
    await page.getByLabel('Client ID').fill('client-1');
    await page.getByLabel('Name of the client secret’s variable').fill('SSO_CLIENT_SECRET_SEVENOAKS_LSP');
    await page.getByLabel('Who gets which role').fill(rules);
  }

  it('names a bad line of the mapping in the GOV.UK error pattern, keeping what was typed', async () => {
    const page = await coordinator();
    await checkBothWidths(page, 'sso-setup-empty');
    await fill(page, 'coordinator group lsp-coordinators\nadmin group everyone');
    await page.getByRole('button', { name: 'Save single sign-on' }).click();
    await page.waitForLoadState('load');
    expect(await page.title()).toMatch(/^Error: Single sign-on/);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain('Line 2 must be a role');
    expect(await page.getByLabel('Client ID').inputValue()).toBe('client-1');
    await checkBothWidths(page, 'sso-setup-error');
    expect((await call('GET', '/single-sign-on', as.coordinator)).body.enabled).toBe(false);
  });

  it('saves the set-up, and the partnership’s sign-in page then offers "Sign in with" the organisation', async () => {
    const page = await coordinator();
    await fill(page, 'coordinator group lsp-coordinators\nviewer email vic@sevenoaks.gov.uk');
    await page.getByRole('button', { name: 'Save single sign-on' }).click();
    await page.waitForLoadState('load');
    expect(await page.getByText('Single sign-on saved').isVisible()).toBe(true);
    const saved = (await call('GET', '/single-sign-on', as.coordinator)).body;
    expect(saved).toMatchObject({
      enabled: true,
      organisation: 'Sevenoaks District Council',
      rules: [
        { role: 'coordinator', match: 'group', value: 'lsp-coordinators' },
        { role: 'viewer', match: 'email', value: 'vic@sevenoaks.gov.uk' },
      ],
    });
    await checkBothWidths(page, 'sso-setup-saved');

    expect(saved.signInPage).toMatch(/\/sign-in\?partnership=sevenoaks-lsp$/);
    const signIn = await newPage();
    await signIn.goto(`${product.baseUrl}/sign-in?partnership=sevenoaks-lsp`);
    const button = signIn.getByRole('button', { name: 'Sign in with Sevenoaks District Council' });
    // A form's button, not a link: the address alone never starts a sign-in (login CSRF).
    expect(await signIn.locator('form', { has: button }).getAttribute('action')).toBe(
      '/sign-in/sso/sevenoaks-lsp',
    );
    await checkBothWidths(signIn, 'sign-in-with-organisation');
  });

  it('answers 409 when someone else saved meanwhile, keeping what was typed', async () => {
    const page = await coordinator();
    const before = (await call('GET', '/single-sign-on', as.coordinator)).body;
    const { organisation, issuer, clientSecretEnv, rules } = before;
    await call('PUT', '/single-sign-on', as.coordinator, {
      organisation,
      issuer,
      clientId: 'meanwhile',
      clientSecretEnv,
      rules,
    });
    await fill(page, 'reviewer group lsp-reviewers');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Save single sign-on' }).click(),
    ]);
    expect(response.status()).toBe(409);
    await page.waitForLoadState('load');
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'changed single sign-on meanwhile',
    );
    expect(await page.getByLabel('Who gets which role').inputValue()).toBe('reviewer group lsp-reviewers');
    expect((await call('GET', '/single-sign-on', as.coordinator)).body.clientId).toBe('meanwhile');
  });
});
