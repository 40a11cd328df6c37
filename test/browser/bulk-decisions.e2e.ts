import { Browser, Page } from 'playwright-core';
import { checkPage, launchBrowser } from '../support/browser.js';
import { staffPage } from '../support/journeys.js';
import { as, http, importSevenoaks, Product, STAFF, startProduct } from '../support/product.js';

/**
 * Issue 14 point 3 in a real browser, each page at 1280 and 320 px (axe, no sideways scroll, screenshots): a
 * reviewer ticks three returns on the queue, sends them back with one reason, confirms and sees each one named;
 * without JavaScript, an all-or-nothing approval of two, one of which another reviewer approved meanwhile,
 * decides neither and says why.
 */
describe('bulk decisions in the browser (e2e)', () => {
  jest.setTimeout(300_000);
  let product: Product;
  let browser: Browser;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  const content = { rag: 'green', narrative: 'All actions achieved.', dot: 'improving' };

  async function atBothWidths(p: Page, name: string) {
    await checkPage(p, `bulk-${name}-1280`);
    await p.setViewportSize({ width: 320, height: 800 });
    const fits = await p.evaluate('document.documentElement.scrollWidth <= window.innerWidth');
    const wide = fits
      ? []
      : await p.evaluate(
          `[...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > window.innerWidth).map((e) => e.tagName + '.' + e.className).slice(0, 8)`,
        );
    expect({ name, fits, wide }).toEqual({ name, fits: true, wide: [] });
    await checkPage(p, `bulk-${name}-320`);
    await p.setViewportSize({ width: 1280, height: 900 });
  }

  async function signedIn(javaScriptEnabled: boolean): Promise<Page> {
    // Signed in by session (see staffPage): review-journey signs in through the page and lands here.
    const page = await staffPage(browser, product, STAFF.reviewer, '/review', { javaScriptEnabled });
    page.context().setDefaultTimeout(20_000);
    return page;
  }

  beforeAll(async () => {
    product = await startProduct('browser_bulk');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const drafted = await call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label: 'Year 2 2020/21',
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2030-04-30',
    });
    cycleId = drafted.body.id;
    const refs = ['S1', 'S2', 'S3', 'S4', 'H1'];
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: refs });
    for (const ref of refs) {
      const lead = as.lead(ref === 'H1' ? 'sevenoaks-hat' : 'sevenoaks-csp');
      expect((await call('POST', `/returns/${cycleId}.${ref}/submit`, lead, content)).status).toBe(200);
    }
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  const status = async (ref: string) =>
    (await call('GET', `/returns/${cycleId}.${ref}`, as.reviewer)).body.status;

  it('ticks three returns, sends them back with one reason, confirms and sees each one named', async () => {
    const page = await signedIn(true);
    await atBothWidths(page, 'queue');

    // Nothing ticked: the GOV.UK error pattern, the summary linking to the first checkbox.
    await page.getByRole('button', { name: 'Send back selected' }).click();
    expect(await page.title()).toMatch(/^Error: /);
    await expect(page.locator('.govuk-error-summary a[href="#select-1"]').textContent()).resolves.toBe(
      'Select the returns to decide',
    );
    await atBothWidths(page, 'queue-error');

    for (const label of [/Select S1 for/, /Select S2 for/, /Select H1 for/])
      await page.getByLabel(label).check();
    await page.getByLabel('Reason for sending them back').fill('Add this year’s figures to the table');
    await page.getByRole('button', { name: 'Send back selected' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Send back 3 returns?');
    expect(await page.locator('#selection').textContent()).toMatch(/S1[\s\S]*S2[\s\S]*H1/);
    await atBothWidths(page, 'confirm');

    // Confirmed without saying what happens if some cannot be: asked again, with the choices kept.
    await page.getByRole('button', { name: 'Send back 3 returns' }).click();
    expect(await page.title()).toMatch(/^Error: /);
    await atBothWidths(page, 'confirm-error');
    await page.getByLabel('Decide the ones that can be decided, and tell me which could not').check();
    await page.getByRole('button', { name: 'Send back 3 returns' }).click();

    await expect(page.locator('h1').textContent()).resolves.toBe('3 returns sent back');
    const decided = await page.locator('#decided li').allTextContents();
    expect(decided.map((t) => t.slice(0, 2))).toEqual(['S1', 'S2', 'H1']);
    await atBothWidths(page, 'result');
    expect([await status('S1'), await status('S2'), await status('H1')]).toEqual(['draft', 'draft', 'draft']);
    const s1 = (await call('GET', `/returns/${cycleId}.S1`, as.reviewer)).body;
    expect(s1.sentBackReason).toBe('Add this year’s figures to the table');
    await page.context().close();
  });

  it('without JavaScript: all-or-nothing decides none when one was approved meanwhile, and says which and why', async () => {
    const page = await signedIn(false);
    await page.getByLabel(/Select S3 for/).check();
    await page.getByLabel(/Select S4 for/).check();
    await page.getByRole('button', { name: 'Approve selected' }).click();
    await expect(page.locator('h1').textContent()).resolves.toBe('Approve 2 returns?');
    // Another reviewer approves S4 while this one reads the list.
    expect((await call('POST', `/returns/${cycleId}.S4/approve`, as.reviewer2)).status).toBe(200);
    await page.getByLabel('Decide none of them').check();
    await page.getByRole('button', { name: 'Approve 2 returns' }).click();

    await expect(page.locator('h1').textContent()).resolves.toBe('No returns approved');
    expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
      'You chose to decide none of them if any could not be decided, and 1 return could not.',
    );
    expect(await page.locator('#refused li').allTextContents()).toEqual([
      expect.stringMatching(/^S4 for .*It changed since you saw it/),
    ]);
    expect((await page.locator('#held li').allTextContents())[0]).toMatch(/^S3 for /);
    // axe and the width check run scripts in the page: the same templates are checked in the JavaScript browser.
    expect(await status('S3')).toBe('submitted');
    await page.context().close();
  });
});
