import { readFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { Browser, Page } from 'playwright-core';
import { checkBothWidths, launchBrowser } from '../support/browser.js';
import {
  as,
  eventually,
  http,
  importSevenoaks,
  Product,
  sevenoaksPlan,
  startProduct,
} from '../support/product.js';

/**
 * Issue 15 points 2 and 5: the agency lead, from the emailed link, downloads its open returns as a spreadsheet,
 * fills it offline and uploads it; a file that is not a spreadsheet is refused with the GOV.UK error pattern.
 * Each page at 1280 and 320 px with axe; and the upload again without JavaScript.
 */
describe('agency returns as a spreadsheet, in the browser (e2e)', () => {
  let product: Product;
  let browser: Browser;
  let cycleId: string;
  const lead = sevenoaksPlan()
    .agencies.find((a) => a.id === 'sevenoaks-csp')!
    .contacts.find((c) => c.role === 'lead')!;

  beforeAll(async () => {
    product = await startProduct('browser_agency_spreadsheet');
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
    await call('POST', `/cycles/${cycleId}/open`, as.coordinator, { measureRefs: ['S1', 'S2', 'S3'] });
    browser = await launchBrowser();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await product.stop();
  });

  /** The lead's own link, from the mail the SMTP server caught, followed to the task list. */
  async function viaLink(javaScriptEnabled: boolean): Promise<Page> {
    const mail = await eventually(async () => product.smtp.mails.find((m) => m.to.includes(lead.email)));
    const link = /(http:\/\/\S+\/l\/[A-Za-z0-9_-]{43})/
      .exec(mail.text)![1]
      .replace(product.config.publicBaseUrl, product.baseUrl);
    const page = await (await browser.newContext({ javaScriptEnabled, acceptDownloads: true })).newPage();
    await page.goto(link);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`**/agency/cycles/${cycleId}`);
    await page.getByRole('link', { name: 'Fill in your returns offline as a spreadsheet' }).click();
    await page.waitForURL(`**/agency/cycles/${cycleId}/spreadsheet`);
    return page;
  }

  /** The workbook as downloaded, with each return's row filled in as a lead would offline. */
  async function filled(file: Buffer, progress: string): Promise<Buffer> {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Returns')!;
    const where = new Map<string, number>();
    sheet.getRow(1).eachCell((cell, c) => where.set(String(cell.value), c));
    sheet.eachRow((row, r) => {
      if (r === 1) return;
      row.getCell(where.get('RAG')!).value = 'Amber';
      row.getCell(where.get('Progress')!).value = `${progress} ${row.getCell(where.get('Ref')!).value}.`;
    });
    return Buffer.from(await book.xlsx.writeBuffer());
  }

  const chooseFile = (page: Page, name: string, buffer: Buffer) =>
    page.setInputFiles('#file', {
      name,
      mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      buffer,
    });

  it('downloads the returns, refuses a file that is not a spreadsheet, and saves a filled one as drafts', async () => {
    const page = await viaLink(true);
    expect(await page.textContent('h1')).toContain('Your returns as a spreadsheet');
    await checkBothWidths(page, 'spreadsheet-01-page');

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download your 3 open returns (XLSX)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`returns-${cycleId}.xlsx`);
    const file = readFileSync(await download.path());

    await chooseFile(page, 'returns.xlsx', Buffer.from('not a spreadsheet'));
    await page.getByRole('button', { name: 'Upload and save drafts' }).click();
    expect(await page.title()).toMatch(/^Error: Your returns as a spreadsheet/);
    expect(await page.textContent('.govuk-error-summary')).toContain('nothing was saved');
    expect(await page.textContent('#file-error')).toContain('The file must be an XLSX spreadsheet');
    await checkBothWidths(page, 'spreadsheet-02-refused');
    await page.getByRole('link', { name: 'The file must be an XLSX spreadsheet' }).click();

    await chooseFile(page, 'returns.xlsx', await filled(file, 'Written offline for'));
    await page.getByRole('button', { name: 'Upload and save drafts' }).click();
    await page.waitForURL('**/spreadsheet?saved=3*');
    expect(await page.textContent('.govuk-notification-banner')).toContain('3 returns saved as drafts');
    await checkBothWidths(page, 'spreadsheet-03-saved');
    await page.getByRole('link', { name: 'Back' }).click();
    expect(await page.locator('.govuk-tag', { hasText: 'In progress' }).count()).toBe(3);
  }, 240_000);

  it('works without JavaScript', async () => {
    const page = await viaLink(false);
    const file = Buffer.from(
      await (
        await page.context().request.get(`${product.baseUrl}/agency/cycles/${cycleId}/returns.xlsx`)
      ).body(),
    );
    await chooseFile(page, 'returns.xlsx', await filled(file, 'Without JavaScript for'));
    await page.getByRole('button', { name: 'Upload and save drafts' }).click();
    await page.waitForURL('**/spreadsheet?saved=3*');
    expect(await page.textContent('.govuk-notification-banner')).toContain('3 returns saved as drafts');
    const stored = await http(product.baseUrl)('GET', `/returns/${cycleId}.S2`, as.coordinator);
    expect(stored.body.content.narrative).toBe('Without JavaScript for S2.');
  }, 240_000);
});
