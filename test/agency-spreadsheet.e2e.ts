import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { openCycle, submitAndApprove } from './support/reporting.js';

/**
 * Issue 15 point 2: an agency lead downloads its open returns as a workbook, fills it offline and uploads it;
 * every changed row is saved as a draft in one go, or nothing is, and each problem is named by row and column.
 */
describe('agency returns as a spreadsheet, both ways (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let y1: string;
  let y2: string;
  const lead = () => as.lead('sevenoaks-csp');
  const drafts = async () =>
    Number(
      (
        await product.db.dataSource.query(
          `SELECT count(*) AS n FROM events WHERE type = 'ReturnDraftSaved' AND stream_id LIKE $1`,
          [`%${y2}.%`],
        )
      )[0].n,
    );

  beforeAll(async () => {
    product = await startProduct('agency_spreadsheet');
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
    const year = (n: number) => ({
      cycleId: `y${n}`,
      label: `Year ${n}`,
      periodStart: `20${18 + n}-04-01`,
      periodEnd: `20${19 + n}-03-31`,
      dueDate: `20${29 + n}-04-30`,
    });
    y1 = await openCycle(call, as.coordinator, year(1), ['S1']);
    await submitAndApprove(call, `${y1}.S1`, lead(), as.reviewer, {
      rag: 'green',
      narrative: 'The plan is at 98% on target.',
      indicators: [{ name: 'Actions achieved', value: 98 }],
    });
    y2 = await openCycle(call, as.coordinator, year(2), ['S1', 'S2', 'S3', 'S4']);
    expect((await call('PUT', `/returns/${y2}.S2/draft`, lead(), { narrative: 'Begun.' })).status).toBe(200);
  }, 60_000);
  afterAll(() => product.stop());

  async function download(): Promise<ExcelJS.Workbook> {
    const response = await fetch(`${product.baseUrl}/agency/cycles/${y2}/returns.xlsx`, { headers: lead() });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await response.arrayBuffer());
    return book;
  }

  /** Posts the file from the spreadsheet page's own form, CSRF field first, as a browser does. */
  async function upload(body: Buffer | string, name = 'returns.xlsx', extraFields = 0) {
    const page = await fetch(`${product.baseUrl}/agency/cycles/${y2}/spreadsheet`, {
      headers: { ...lead(), accept: 'text/html' },
    });
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
    const csrfCookie = (page.headers.get('set-cookie') ?? '').split(';')[0];
    const form = new FormData();
    form.append('_csrf', token);
    for (let i = 0; i < extraFields; i++) form.append(`f${i}`, 'x');
    form.append('file', new Blob([body]), name);
    const posted = await fetch(`${product.baseUrl}/agency/cycles/${y2}/returns.xlsx`, {
      method: 'POST',
      headers: {
        ...lead(),
        cookie: [lead().cookie, csrfCookie].filter(Boolean).join('; '),
        origin: product.baseUrl,
        accept: 'text/html',
      },
      body: form,
      redirect: 'manual',
    });
    return { status: posted.status, location: posted.headers.get('location'), html: await posted.text() };
  }

  const bytes = async (book: ExcelJS.Workbook) => Buffer.from(await book.xlsx.writeBuffer());
  const headings = (sheet: ExcelJS.Worksheet) => {
    const where = new Map<string, number>();
    sheet.getRow(1).eachCell((cell, c) => where.set(String(cell.value), c));
    return where;
  };
  const rowOf = (sheet: ExcelJS.Worksheet, ref: string) => {
    let found = 0;
    sheet.eachRow((row, r) => {
      if (row.getCell(3).value === ref) found = r;
    });
    return sheet.getRow(found);
  };
  const set = (sheet: ExcelJS.Worksheet, ref: string, cells: Record<string, string | number>) => {
    const where = headings(sheet);
    for (const [heading, value] of Object.entries(cells))
      rowOf(sheet, ref).getCell(where.get(heading)!).value = value;
  };

  it('downloads one locked row per open return, with last cycle for context and the draft filled in', async () => {
    const sheet = (await download()).getWorksheet('Returns')!;
    expect([...headings(sheet).keys()]).toEqual(
      expect.arrayContaining([
        'Return id',
        'Version',
        'Ref',
        'Last cycle RAG',
        'RAG',
        'Progress',
        'DOT',
        'Comments',
        'RAG reason',
        'Value: Actions achieved',
      ]),
    );
    expect(sheet.actualRowCount).toBe(5);
    const where = headings(sheet);
    const s1 = rowOf(sheet, 'S1');
    expect(s1.getCell(where.get('Last cycle RAG')!).value).toBe('Green');
    expect(s1.getCell(where.get('Last cycle progress')!).value).toBe('The plan is at 98% on target.');
    expect(s1.getCell(where.get('Last cycle values')!).value).toBe('Actions achieved: 98');
    expect(s1.getCell(where.get('Ref')!).protection?.locked).not.toBe(false);
    expect(s1.getCell(where.get('RAG')!).protection?.locked).toBe(false);
    expect(s1.getCell(where.get('RAG')!).dataValidation?.formulae).toEqual(['"Green,Amber,Red"']);
    expect(rowOf(sheet, 'S2').getCell(where.get('Progress')!).value).toBe('Begun.');
    expect(rowOf(sheet, 'S2').getCell(where.get('Version')!).value).toBe(2);
  });

  it('names a bad cell by sheet, row and column, and saves nothing', async () => {
    const book = await download();
    const sheet = book.getWorksheet('Returns')!;
    set(sheet, 'S1', { RAG: 'Green', Progress: 'On track.' });
    set(sheet, 'S3', { RAG: 'Purple', 'Value: Actions achieved': 'lots' });
    const before = await drafts();
    const refused = await upload(await bytes(book));
    expect(refused.status).toBe(422);
    expect(refused.html).toContain('<title>Error:');
    expect(refused.html).toContain('There is a problem: nothing was saved');
    const row = rowOf(sheet, 'S3').number;
    expect(refused.html).toContain(
      `Returns sheet, row ${row}, column RAG: must be Green, Amber or Red, or empty`,
    );
    expect(await drafts()).toBe(before);
  });

  it('saves three filled rows as three drafts in one go, and says so', async () => {
    const book = await download();
    const sheet = book.getWorksheet('Returns')!;
    set(sheet, 'S1', { RAG: 'Green', Progress: 'On track.', 'Value: Actions achieved': 90 });
    set(sheet, 'S2', { Progress: 'Begun, and more.', DOT: 'Improving' });
    set(sheet, 'S3', { RAG: 'Amber', Progress: 'Slipping.', Comments: 'Staff changes.' });
    const before = await drafts();
    const saved = await upload(await bytes(book));
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/agency/cycles/${y2}/spreadsheet?saved=3&unchanged=1`);
    expect(await drafts()).toBe(before + 3);
    const s1 = await call('GET', `/returns/${y2}.S1`, as.coordinator);
    expect(s1.body.content).toMatchObject({
      rag: 'green',
      narrative: 'On track.',
      indicators: [{ name: 'Actions achieved', value: 90 }],
    });
    const page = await fetch(`${product.baseUrl}${saved.location}`, {
      headers: { ...lead(), accept: 'text/html' },
    });
    expect(await page.text()).toContain('3 returns saved as drafts');
  });

  it('refuses a row of a return changed since the download rather than overwrite it', async () => {
    const book = await download();
    set(book.getWorksheet('Returns')!, 'S4', { Progress: 'From the file.' });
    set(book.getWorksheet('Returns')!, 'S1', { Progress: 'Also from the file.' });
    expect(
      (await call('PUT', `/returns/${y2}.S4/draft`, lead(), { narrative: 'Typed online.' })).status,
    ).toBe(200);
    const before = await drafts();
    const refused = await upload(await bytes(book));
    expect(refused.status).toBe(422);
    expect(refused.html).toMatch(/column Version: S4 was changed after this spreadsheet was downloaded/);
    expect(await drafts()).toBe(before);
    expect((await call('GET', `/returns/${y2}.S4`, as.coordinator)).body.content.narrative).toBe(
      'Typed online.',
    );
  });

  it('refuses a row of a return submitted since the download', async () => {
    const book = await download();
    set(book.getWorksheet('Returns')!, 'S2', { RAG: 'Red', Progress: 'Changed offline.' });
    const sent = await call('POST', `/returns/${y2}.S2/submit`, lead(), {
      rag: 'green',
      narrative: 'Sent online.',
    });
    expect(sent.status).toBe(200);
    const before = await drafts();
    const refused = await upload(await bytes(book));
    expect(refused.status).toBe(422);
    const row = rowOf(book.getWorksheet('Returns')!, 'S2').number;
    expect(refused.html).toContain(
      `Returns sheet, row ${row}, column Ref: S2 has been submitted since, so it cannot be changed from a spreadsheet`,
    );
    expect(await drafts()).toBe(before);
  });

  it('refuses a text file named .xlsx, a zip bomb and an oversize file, each with a clear error', async () => {
    const text = await upload('RAG,Progress\nGreen,fine\n', 'returns.xlsx');
    expect(text.status).toBe(422);
    expect(text.html).toContain('The file must be an XLSX spreadsheet');
    const bomb = new ExcelJS.Workbook();
    const sheet = bomb.addWorksheet('Returns');
    const huge = 'x'.repeat(32_000);
    for (let i = 0; i < 700; i += 1) sheet.addRow([`${i} ${huge}`]);
    const bombed = await upload(await bytes(bomb));
    expect(bombed.status).toBe(422);
    expect(bombed.html).toContain('unzips to far more than a spreadsheet of returns could hold');
    const big = await upload(Buffer.alloc(5_000_001, 1));
    expect(big.status).toBe(400);
    expect(big.html).toContain('The file must be smaller than 5 MB');
  });

  // A review (2026-12-06): 2,000 fields before the file were answered "The file could not be read: choose it
  // again", which names no rule; the limit is the refusal, as on the evidence page.
  it('refuses a form of 2,000 fields before its file as too many fields, on the file input', async () => {
    const before = await drafts();
    const crowded = await upload(await bytes(await download()), 'returns.xlsx', 2_000);
    expect(crowded.status).toBe(400);
    expect(crowded.html).toMatch(/href="#file">The form may send at most 6 fields with its file/);
    expect(crowded.html).toMatch(/id="file-error"[\s\S]*The form may send at most 6 fields with its file/);
    expect(await drafts()).toBe(before);
  });

  it('refuses the downloaded spreadsheet with 20,000 merged ranges or one huge merge at once, with a clear error', async () => {
    const response = await fetch(`${product.baseUrl}/agency/cycles/${y2}/returns.xlsx`, { headers: lead() });
    const zip = await JSZip.loadAsync(await response.arrayBuffer());
    const sheet = await zip.file('xl/worksheets/sheet1.xml')!.async('string');
    const merged = (refs: readonly string[]) =>
      zip
        .file(
          'xl/worksheets/sheet1.xml',
          sheet.replace(
            '</sheetData>',
            `</sheetData><mergeCells>${refs.map((r) => `<mergeCell ref="${r}"/>`).join('')}</mergeCells>`,
          ),
        )
        .generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    for (const [refs, rule] of [
      [
        Array.from({ length: 20_000 }, (_, i) => `A${1000 + i}:B${1000 + i}`),
        'must have at most 1,000 merged cells',
      ],
      [['A1000:XFD1048999'], 'must cover at most 50,000 cells'],
    ] as const) {
      const started = Date.now();
      const refused = await upload(await merged(refs));
      // The rule in the answer is the oracle; the bound only catches a hang (2.2 s seen at load average 10).
      expect(Date.now() - started).toBeLessThan(6_000);
      expect(refused.status).toBe(422);
      expect(refused.html).toContain('govuk-error-summary');
      expect(refused.html).toContain(rule);
    }
  });

  it('offers the spreadsheet only while the agency has returns to write in an open cycle', async () => {
    const taskList = async (cycle: string) => {
      const page = await fetch(`${product.baseUrl}/agency/cycles/${cycle}`, {
        headers: { ...lead(), accept: 'text/html' },
      });
      expect(page.status).toBe(200);
      return page.text();
    };
    const OFFER = 'Fill in your returns offline as a spreadsheet';
    expect(await taskList(y2)).toContain(OFFER);
    // Year 1's only return is approved: nothing left to fill in.
    expect(await taskList(y1)).not.toContain(OFFER);
    // Closed with returns still unsent (the last test here: the others write to year 2).
    const closed = await call('POST', `/cycles/${y2}/close`, as.coordinator, {
      force: true,
      reason: 'Year end',
    });
    expect(closed.status).toBe(200);
    const after = await taskList(y2);
    expect(after).not.toContain(OFFER);
    expect(after).toContain('This monitoring cycle has closed');
    expect(after).not.toContain('Your returns are due by');
  });
});
