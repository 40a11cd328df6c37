import { Browser } from 'playwright-core';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import { as, http, importSevenoaks, PASSWORD, Product, STAFF, startProduct } from '../support/product.js';

/**
 * The coordinator's plan page in a real browser (issue 13 points 9 and 10): the whole plan, a change form, its
 * error page and the confirmation, each at 1280 and 320 px with axe; adding a contact without JavaScript; and the
 * HTML report's way back to the service.
 */
describe('the plan page, in the browser (e2e)', () => {
  let product: Product;
  let browser: Browser;
  let cycleId: string;

  const signedIn = async (javaScriptEnabled: boolean) => {
    const page = await (await browser.newContext({ javaScriptEnabled })).newPage();
    await page.goto(`${product.baseUrl}/coordinate/plan`);
    await page.waitForURL('**/sign-in?next=*');
    await page.getByLabel('Email address').fill(STAFF.coordinator);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/coordinate/plan');
    return page;
  };

  beforeAll(async () => {
    product = await startProduct('browser_plan');
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
    browser = await launchBrowser();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  it('shows the plan, changes a measure through its error page, and confirms', async () => {
    const page = await signedIn(true);
    expect(await page.textContent('h1')).toBe('Sevenoaks District Community Plan 2019-22');
    await checkBothWidths(page, 'plan-01-plan');

    await page.goto(`${product.baseUrl}/coordinate/plan/measure/S2/change`);
    await checkBothWidths(page, 'plan-02-change-measure');
    await page.getByLabel('Key success measure').fill('');
    await page.getByRole('button', { name: 'Save the measure' }).click();
    expect(await page.title()).toMatch(/^Error: Change key success measure S2/);
    await checkBothWidths(page, 'plan-03-change-measure-error');
    await page.getByRole('link', { name: 'Enter the key success measure' }).click();
    await page.getByLabel('Key success measure').fill('Keep overall crime amongst the lowest in Kent.');
    await page.getByRole('button', { name: 'Save the measure' }).click();
    await page.waitForURL('**/coordinate/plan?done=*');
    expect(await page.textContent('.govuk-notification-banner')).toContain('Key success measure changed');
    await checkBothWidths(page, 'plan-04-changed');

    await page.goto(`${product.baseUrl}/coordinate/plan/theme/new`);
    await checkBothWidths(page, 'plan-05-add-theme');
    await page.goto(`${product.baseUrl}/coordinate/plan/agency/kent-police/remove`);
    await checkBothWidths(page, 'plan-06-remove-agency');
    // Six pages, each checked by axe twice on a shared machine.
  }, 240_000);

  it('adds a contact without JavaScript', async () => {
    const page = await signedIn(false);
    await page.getByRole('link', { name: 'Add a contact' }).click();
    await page.getByLabel('Agency').selectOption('kent-police');
    await page.getByLabel('Full name').fill('Pat Constable');
    await page.getByLabel('Email address').fill('pat.constable@example.org');
    await page.getByLabel('Senior').check();
    await page.getByRole('button', { name: 'Save the contact' }).click();
    await page.waitForURL('**/coordinate/plan?done=*');
    expect(await page.textContent('main')).toContain('pat.constable@example.org (senior contact)');
    const events = await product.store.readStream('partnership:sevenoaks-lsp');
    expect(events.at(-1)).toMatchObject({
      type: 'AgencyContactAdded',
      data: { agencyId: 'kent-police', email: 'pat.constable@example.org', role: 'senior' },
    });

    // And checks a plan file chosen from disk, still without JavaScript.
    const yaml = await (
      await fetch(`${product.baseUrl}/coordinate/plan/download`, { headers: as.coordinator })
    ).text();
    await page.getByText('Load or update the plan from a file').click();
    await page.setInputFiles('#file', {
      name: 'plan.yaml',
      mimeType: 'application/yaml',
      buffer: Buffer.from(yaml),
    });
    await page.getByRole('button', { name: 'Check the uploaded file' }).click();
    expect(await page.textContent('.govuk-notification-banner')).toContain(
      'The file is valid. It would record: No changes',
    );
  });

  it('the HTML report is readable at 320 px and links back to the dashboard', async () => {
    const page = await signedIn(true);
    await page.goto(`${product.baseUrl}/cycles/${cycleId}/report?format=html`);
    const name = cycleId.replace(/^.*~/, '');
    await checkBothWidths(page, 'plan-07-report-html');
    await page.getByRole('link', { name: 'Back to the cycle’s dashboard' }).click();
    await page.waitForURL(`**/coordinate/cycles/${name}`);
  });
});
