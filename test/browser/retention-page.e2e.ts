import { Browser, BrowserContext, Page } from 'playwright-core';
import { FixedClock } from '../../libs/kernel/src/index.js';
import { importPlan } from '../../libs/plan/src/index.js';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import {
  as,
  http,
  importSevenoaks,
  PASSWORD,
  Product,
  sevenoaksPlan,
  STAFF,
  startProduct,
} from '../support/product.js';

const DAY = 24 * 60 * 60 * 1000;

/**
 * A coordinator sets the partnership's retention periods on its page, in Chromium (a plain form, which posts
 * without script): GOV.UK inputs, the error pattern for a period out of bounds or a change made meanwhile (409,
 * what was typed kept), and the list of what the next run would remove. axe finds nothing at 1280 and 320 px.
 */
describe('the retention periods page, in the browser (e2e)', () => {
  jest.setTimeout(300_000);
  let product: Product;
  let browser: Browser;
  let call: ReturnType<typeof http>;
  const contexts: BrowserContext[] = [];
  const clock = new FixedClock(new Date());
  const plan = sevenoaksPlan();
  const leaver = plan.agencies.find((a) => a.id === 'kent-cc')!.contacts.find((c) => c.role === 'senior')!;

  beforeAll(async () => {
    product = await startProduct('browser_retention', clock);
    await importSevenoaks(product.store);
    // A contact leaves the plan; no cycle has run, so their period counts from then.
    await importPlan(
      product.store,
      {
        ...plan,
        agencies: plan.agencies.map((a) => ({
          ...a,
          contacts: a.contacts.filter((c) => c.email !== leaver.email),
        })),
      },
      { actorId: 'test', actorRole: 'coordinator', correlationId: 'test-reimport' },
    );
    browser = await launchBrowser();
    call = http(product.baseUrl);
  }, 300_000);
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await product.stop();
  });

  async function coordinator(): Promise<Page> {
    // axe runs as a script in the page, so JavaScript stays on; the form itself is a plain post either way.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${product.baseUrl}/sign-in`);
    await page.getByLabel('Email address').fill(STAFF.coordinator);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.waitForLoadState('load');
    await page.goto(`${product.baseUrl}/coordinate/retention`);
    return page;
  }

  it('names a period out of bounds in the GOV.UK error pattern, keeping what was typed', async () => {
    const page = await coordinator();
    expect(await page.getByLabel('Contacts no longer on the plan, in months').inputValue()).toBe('24');
    await checkBothWidths(page, 'retention-defaults');
    await page.getByLabel('Contacts no longer on the plan, in months').fill('0');
    await page.getByLabel('Copies of mail sent, in days').fill('7');
    await page.getByRole('button', { name: 'Save retention periods' }).click();
    await page.waitForLoadState('load');
    expect(await page.title()).toMatch(/^Error: Retention periods/);
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'Enter a whole number of months from 1 to 120',
    );
    expect(await page.getByLabel('Copies of mail sent, in days').inputValue()).toBe('7');
    await checkBothWidths(page, 'retention-error');
    expect((await call('GET', '/partnership/retention', as.coordinator)).body.set).toBe(false);
  });

  it('saves the periods, and lists who the next run would forget once their period has passed', async () => {
    const page = await coordinator();
    await expectText(page, '#due-contacts', 'None.');
    await page.getByLabel('Contacts no longer on the plan, in months').fill('1');
    await page.getByRole('button', { name: 'Save retention periods' }).click();
    await page.waitForLoadState('load');
    expect(await page.getByText('Retention periods saved').isVisible()).toBe(true);
    expect((await call('GET', '/partnership/retention', as.coordinator)).body).toMatchObject({
      contactMonths: 1,
      set: true,
    });
    // A staff session lasts hours, not weeks: sign in again once the clock has moved on.
    clock.advance(40 * DAY);
    const later = await coordinator();
    await expectText(later, '#due-contacts', leaver.email);
    await checkBothWidths(later, 'retention-due');
  });

  it('answers 409 when someone else saved meanwhile, keeping what was typed', async () => {
    const page = await coordinator();
    await call('PUT', '/partnership/retention', as.coordinator, {
      contactMonths: 2,
      mailDays: 90,
      sessionDays: 30,
      evidenceYears: 6,
    });
    await page.getByLabel('Evidence files, in years').fill('9');
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST'),
      page.getByRole('button', { name: 'Save retention periods' }).click(),
    ]);
    expect(response.status()).toBe(409);
    await page.waitForLoadState('load');
    expect(await page.locator('.govuk-error-summary').textContent()).toContain(
      'changed the retention periods meanwhile',
    );
    expect(await page.getByLabel('Evidence files, in years').inputValue()).toBe('9');
    expect((await call('GET', '/partnership/retention', as.coordinator)).body.evidenceYears).toBe(6);
  });
});

async function expectText(page: Page, selector: string, text: string): Promise<void> {
  expect(await page.locator(selector).textContent()).toContain(text);
}
