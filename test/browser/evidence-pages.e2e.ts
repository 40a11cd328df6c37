import { Browser } from 'playwright-core';
import { evidenceStreamId } from '../../libs/returns/src/index.js';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import { attachEvidenceForTest } from '../support/evidence.js';
import { as, http, importSevenoaks, PASSWORD, Product, STAFF, startProduct } from '../support/product.js';

/**
 * Issue 16 point 6 in a real browser, each page at 1280 and 320 px (axe 0 violations, no sideways scroll): a
 * lead sees the files listed on the form and the files page with its GOV.UK file upload, without JavaScript; a
 * coordinator ticks "Show in the report" on the return page. Files are attached by appending EvidenceAttached:
 * adding one through the page needs the AttachEvidence handler of the evidence storage branch, so that
 * end-to-end upload is left to the merge.
 */
describe('evidence pages in the browser (e2e)', () => {
  jest.setTimeout(300_000);
  let product: Product;
  let browser: Browser;
  let returnId: string;

  beforeAll(async () => {
    product = await startProduct('browser_evidence');
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
    await call('POST', `/cycles/${drafted.body.id}/open`, as.coordinator, { measureRefs: ['S1'] });
    returnId = `${drafted.body.id}.S1`;
    await call('PUT', `/returns/${returnId}/draft`, as.lead('sevenoaks-csp'), { rag: 'green' });
    for (const [title, fileName] of [
      ['Action plan monitoring sheet, March 2020', 'action-plan-monitoring-sheet-march-2020-final-v3.xlsx'],
      ['Survey results', 'survey.csv'],
    ])
      await attachEvidenceForTest(product.store, { returnId, agencyId: 'sevenoaks-csp', title, fileName });
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  /** A browser holding the lead's link session. */
  async function leadPage(javaScriptEnabled: boolean) {
    const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 1280, height: 900 } });
    const cookie = as.lead('sevenoaks-csp').cookie.split('=');
    await context.addCookies([{ name: cookie[0], value: cookie[1], url: product.baseUrl }]);
    context.setDefaultTimeout(20_000);
    return context.newPage();
  }

  it('shows the lead the files on the form and the files page with the GOV.UK file upload', async () => {
    const page = await leadPage(true);
    await page.goto(`${product.baseUrl}/agency/returns/${encodeURIComponent(returnId)}`);
    expect(await page.textContent('#files')).toContain('survey.csv, PDF, 2.1 MB');
    await checkBothWidths(page, 'evidence-01-form');
    await page.getByRole('link', { name: 'Add or remove files' }).click();
    await page.waitForURL('**/evidence');
    await expect(page.getByLabel('File', { exact: true }).getAttribute('type')).resolves.toBe('file');
    expect(await page.locator('form[enctype="multipart/form-data"]').count()).toBe(1);
    expect(await page.getByRole('button', { name: /^Remove/ }).count()).toBe(2);
    await checkBothWidths(page, 'evidence-02-files-page');
    await page.context().close();
  });

  it('answers the upload form sent with no file GOV.UK style, without JavaScript', async () => {
    const page = await leadPage(false);
    await page.goto(`${product.baseUrl}/agency/returns/${encodeURIComponent(returnId)}/evidence`);
    await page.getByLabel('Title (optional)').fill('Kept as typed');
    await page.getByRole('button', { name: 'Add file' }).click();
    expect(await page.textContent('.govuk-error-summary')).toContain('Select a file to add');
    expect(await page.textContent('#file-error')).toContain('Select a file to add');
    await expect(page.getByLabel('Title (optional)').inputValue()).resolves.toBe('Kept as typed');
    await page.context().close();
  });

  // A busy lead (2026-12-06): a file over the limit was refused before its form was read, and the page said "The
  // form expired". The browser sends its Content-Length, so this is the case a lead meets.
  it('tells the lead a file over 20 MB is too large, with the way back to the form', async () => {
    const page = await leadPage(false);
    const files = `${product.baseUrl}/agency/returns/${encodeURIComponent(returnId)}/evidence`;
    await page.goto(files);
    await page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'minutes.pdf',
      mimeType: 'application/pdf',
      buffer: Buffer.alloc(21 * 1024 * 1024, 0x20),
    });
    await page.getByRole('button', { name: 'Add file' }).click();
    expect(await page.textContent('h1')).toContain('The file is too large');
    expect(await page.textContent('main')).toContain('The file must be 20 MB or smaller.');
    await page.getByRole('link', { name: 'Go back to the form' }).click();
    await page.waitForURL(files);
    expect(await page.locator('form[enctype="multipart/form-data"]').count()).toBe(1);
    await page.context().close();
  });

  it('lets a coordinator tick a file to show in the report', async () => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    await page.goto(`${product.baseUrl}/coordinate/returns/${encodeURIComponent(returnId)}`);
    await page.waitForURL('**/sign-in?next=*');
    await page.getByLabel('Email address').fill(STAFF.coordinator);
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`**/coordinate/returns/${returnId}`);
    await checkBothWidths(page, 'evidence-04-coordinator-return');
    await page.getByLabel('Survey results').check();
    await page.getByRole('button', { name: 'Save the report’s files' }).click();
    await page.waitForURL('**/coordinate/returns/*?done=*');
    expect(await page.textContent('.govuk-notification-banner')).toContain(
      'The report’s list of files has been saved',
    );
    expect(await page.getByLabel('Survey results').isChecked()).toBe(true);
    expect(await page.textContent('main')).toContain('File listed in the report: Survey results');
    await checkBothWidths(page, 'evidence-05-coordinator-chosen');
    const choices = (await product.store.readStream(evidenceStreamId(returnId))).filter(
      (e) => e.type === 'EvidenceReportChoiceMade',
    );
    expect(choices.map((e) => e.data)).toEqual([
      expect.objectContaining({ evidenceId: 'e2', inReport: true }),
    ]);
  });

  /** The files page of a return that cannot change: no Add or Remove, and the words say why. */
  async function expectFilesFixed(because: string, shot: string) {
    const page = await leadPage(true);
    await page.goto(`${product.baseUrl}/agency/returns/${encodeURIComponent(returnId)}/evidence`);
    expect(await page.getByRole('button', { name: /^Remove/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Add file' }).count()).toBe(0);
    expect(await page.locator('main form').count()).toBe(0);
    expect(await page.textContent('#files')).toContain('survey.csv');
    expect(await page.textContent('#files-fixed')).toContain(because);
    await checkBothWidths(page, shot);
    await page.context().close();
  }

  it('shows a sent return’s files without Add or Remove, saying why, until it is approved', async () => {
    const call = http(product.baseUrl);
    const lead = as.lead('sevenoaks-csp');
    const content = { rag: 'green', narrative: 'On track', dot: 'improving' };
    expect((await call('PUT', `/returns/${returnId}/draft`, lead, content)).status).toBe(200);
    expect((await call('POST', `/returns/${returnId}/submit`, lead)).status).toBe(200);
    await expectFilesFixed(
      'You have sent this return and it is waiting for review',
      'evidence-06-files-submitted',
    );
    expect((await call('POST', `/returns/${returnId}/approve`, as.coordinator)).status).toBe(200);
    await expectFilesFixed('This return has been approved', 'evidence-07-files-approved');
  });
});
