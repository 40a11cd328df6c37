import ExcelJS from 'exceljs';
import { readReturnsWorkbook } from './read-returns-workbook.js';
import { COLUMNS, PROGRESS_TOO_LONG, REQUIRED_COLUMNS, RETURNS_SHEET } from './returns-sheet.js';
import { writeReturnsWorkbook } from './write-returns-workbook.js';

async function workbook(header: string[], ...rows: ExcelJS.CellValue[][]): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet(RETURNS_SHEET);
  sheet.addRow(header);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer());
}

describe('reading an agency’s returns workbook', () => {
  it('refuses a heading given to two columns, since which one was meant cannot be told', async () => {
    const header = [...REQUIRED_COLUMNS, COLUMNS.rag];
    const row = header.map((h, i) =>
      h === COLUMNS.rag ? (i < REQUIRED_COLUMNS.length ? 'Green' : 'Red') : 'x',
    );
    const read = await readReturnsWorkbook(await workbook(header, row));
    expect(read).toMatchObject({
      problems: [{ row: 1, column: COLUMNS.rag, message: expect.stringContaining('heading of two columns') }],
    });
  });

  it("refuses a cell showing a spreadsheet error, typed or a formula's result, rather than read it as blank", async () => {
    const header = [...REQUIRED_COLUMNS];
    const row = (value: ExcelJS.CellValue) =>
      header.map((h) => (h === COLUMNS.narrative ? value : h === COLUMNS.returnId ? 'y1.S1' : 'x'));
    const read = await readReturnsWorkbook(
      await workbook(
        header,
        row({ error: '#N/A' }),
        row({ formula: 'VLOOKUP(A2,Z:Z,2,FALSE)', result: { error: '#REF!' } } as ExcelJS.CellValue),
        row('Kept as typed'),
        row({ formula: 'D2' } as ExcelJS.CellValue),
        row({
          text: { richText: [{ text: 'Rich ' }, { font: { bold: true }, text: 'link' }] },
          hyperlink: 'https://example.org',
        } as unknown as ExcelJS.CellValue),
      ),
    );
    expect(read).toMatchObject({
      problems: [
        { row: 2, column: COLUMNS.narrative, message: expect.stringContaining('#N/A') },
        { row: 3, column: COLUMNS.narrative, message: expect.stringContaining('#REF!') },
        {
          row: 5,
          column: COLUMNS.narrative,
          message: expect.stringContaining('formula saved without its value'),
        },
      ],
    });
    const rows = (read as { rows: { row: number; cells: Record<string, unknown> }[] }).rows;
    expect(rows.find((r) => r.row === 4)!.cells[COLUMNS.narrative]).toBe('Kept as typed');
    expect(rows.find((r) => r.row === 6)!.cells[COLUMNS.narrative]).toBe('Rich link');
  });

  it('reads back a download whose draft held what XML cannot carry (U+FFFF, a control character)', async () => {
    const bytes = await writeReturnsWorkbook([
      {
        returnId: 'y1.S1',
        version: 3,
        measureRef: 'S1',
        measureText: 'Measure\uffff one',
        content: { narrative: 'Begun\u0001 \uffffwell', rag: 'green' },
        indicators: [],
        lastCycle: null,
      },
    ]);
    const read = await readReturnsWorkbook(bytes);
    expect(read).toMatchObject({ problems: [] });
    const [row] = (read as { rows: { cells: Record<string, unknown> }[] }).rows;
    expect(row.cells).toMatchObject({ [COLUMNS.returnId]: 'y1.S1', [COLUMNS.narrative]: 'Begun well' });
  });

  it('formats the columns a lead writes words in as Text, so a list or "-5%" typed there stays words', async () => {
    const bytes = await writeReturnsWorkbook([
      {
        returnId: 'y1.S1',
        version: 3,
        measureRef: 'S1',
        measureText: 'Measure one',
        content: { narrative: '- Attending events\n- 18 groups', comments: '=HYPERLINK("http://x.example")' },
        indicators: [
          {
            name: 'Actions achieved',
            unit: '%',
            baseline: null,
            target: 85,
            direction: 'higher-is-better',
            amber: { variance: 5 },
            red: { variance: 10 },
          },
        ],
        lastCycle: null,
      },
    ]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = book.getWorksheet(RETURNS_SHEET)!;
    const headings = (sheet.getRow(1).values as unknown[]).map(String);
    const format = (column: string) => sheet.getRow(2).getCell(headings.indexOf(column)).numFmt;
    expect([COLUMNS.narrative, COLUMNS.comments, COLUMNS.ragReason].map(format)).toEqual(['@', '@', '@']);
    // Figures stay General, so a value typed there is a number.
    expect(format('Value: Actions achieved')).toBeUndefined();
    const read = await readReturnsWorkbook(bytes);
    const [row] = (read as { rows: { cells: Record<string, unknown> }[] }).rows;
    expect(row.cells).toMatchObject({
      [COLUMNS.narrative]: '- Attending events\n- 18 groups',
      [COLUMNS.comments]: '=HYPERLINK("http://x.example")',
    });
  });

  it('reads back a draft holding _x0041_ as typed, not as the character a workbook codes by it', async () => {
    const coded = 'Code _x0041_ and _x003D_HYPERLINK("http://x.example")';
    const bytes = await writeReturnsWorkbook([
      {
        returnId: 'y1.S1',
        version: 3,
        measureRef: 'S1',
        measureText: 'Measure one',
        content: { narrative: coded, comments: coded },
        indicators: [],
        lastCycle: null,
      },
    ]);
    const read = await readReturnsWorkbook(bytes);
    const [row] = (read as { rows: { cells: Record<string, unknown> }[] }).rows;
    expect(row.cells).toMatchObject({ [COLUMNS.narrative]: coded, [COLUMNS.comments]: coded });
  });

  it('leaves out of the file a progress longer than a cell holds, locked, saying to change it online', async () => {
    // Excel keeps at most 32,767 characters in a cell: opened there, a 40,000-character draft would have been cut,
    // and the cut text saved over the lead's on upload.
    const long = 'The plan is on track. '.repeat(1_820);
    const bytes = await writeReturnsWorkbook([
      {
        returnId: 'y1.S1',
        version: 3,
        measureRef: 'S1',
        measureText: 'Measure one',
        content: { narrative: long, rag: 'green' },
        indicators: [],
        lastCycle: { narrative: long, rag: 'amber' },
      },
    ]);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = book.getWorksheet(RETURNS_SHEET)!;
    const headings = (sheet.getRow(1).values as unknown[]).map(String);
    const cell = (column: string) => sheet.getRow(2).getCell(headings.indexOf(column));
    expect(cell(COLUMNS.narrative).value).toBe(PROGRESS_TOO_LONG);
    expect(cell(COLUMNS.narrative).protection?.locked).not.toBe(false);
    expect(String(cell(COLUMNS.lastProgress).value).length).toBeLessThanOrEqual(32_767);
    expect(String(cell(COLUMNS.lastProgress).value)).toMatch(/the rest is on the service\]$/);
    expect(cell(COLUMNS.rag).protection?.locked).toBe(false);
  });
});
