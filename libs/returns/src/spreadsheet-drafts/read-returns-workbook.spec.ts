import ExcelJS from 'exceljs';
import { readReturnsWorkbook } from './read-returns-workbook.js';
import { COLUMNS, REQUIRED_COLUMNS, RETURNS_SHEET } from './returns-sheet.js';
import { writeReturnsWorkbook } from './write-returns-workbook.js';

async function workbook(header: string[], ...rows: (string | number)[][]): Promise<Buffer> {
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
});
