import { cellError, cellText } from '../record-historical-cycle/read-report-xlsx.js';
import {
  preflightXlsx,
  XLSX_MAX_CELLS,
  XLSX_MAX_MERGED_CELLS,
  XLSX_MAX_MERGES,
  XLSX_MAX_SHARED_STRINGS,
  XLSX_MAX_STYLES,
  XlsxRefusal,
} from '../record-historical-cycle/xlsx-preflight.js';
import { REQUIRED_COLUMNS, RETURNS_SHEET, SHEET_ROW_LIMIT, SheetProblem, SheetRow } from './returns-sheet.js';

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

const UNOPENED = 'The file must be an XLSX spreadsheet: this one could not be opened';
const REFUSALS: Record<XlsxRefusal, string> = {
  'too-large': 'The file unzips to far more than a spreadsheet of returns could hold',
  unreadable: UNOPENED,
  'too-many-merges': `The spreadsheet must have at most ${XLSX_MAX_MERGES.toLocaleString('en-GB')} merged cells: unmerge them (the downloaded spreadsheet has none) and upload it again`,
  'merges-too-large': `The spreadsheet's merged cells must cover at most ${XLSX_MAX_MERGED_CELLS.toLocaleString('en-GB')} cells: unmerge them (the downloaded spreadsheet has none) and upload it again`,
  'too-many-cells': `The spreadsheet must have at most ${XLSX_MAX_CELLS.toLocaleString('en-GB')} cells, ${XLSX_MAX_SHARED_STRINGS.toLocaleString('en-GB')} distinct texts and ${XLSX_MAX_STYLES.toLocaleString('en-GB')} cell styles: type into the downloaded spreadsheet and upload it again`,
};

export type ReadWorkbook = { unreadable: string } | { rows: SheetRow[]; problems: SheetProblem[] };

/**
 * Reads an uploaded returns workbook into rows by column heading. What makes the whole file unreadable (not a
 * spreadsheet, a zip that unzips to far more than any workbook of returns, or with more
 * merged cells than one could need, no Returns sheet) is said once;
 * a missing column is a problem of row 1, a cell showing a spreadsheet error (`#N/A`) one of its row. Rows with
 * no return id and nothing typed are left out.
 */
export async function readReturnsWorkbook(bytes: Buffer): Promise<ReadWorkbook> {
  if (!bytes.subarray(0, 4).equals(ZIP)) return { unreadable: 'The file must be an XLSX spreadsheet' };
  // Unzipped and its merged cells counted before exceljs sees it: exceljs is given only what was counted.
  const checked = preflightXlsx(bytes);
  if ('refused' in checked) return { unreadable: REFUSALS[checked.refused] };
  const { default: Excel } = await import('exceljs'); // loaded here, not with every process
  const book = new Excel.Workbook();
  try {
    await book.xlsx.load(checked.bytes as unknown as ArrayBuffer);
  } catch {
    return { unreadable: UNOPENED };
  }
  const sheet = book.getWorksheet(RETURNS_SHEET);
  if (!sheet) return { unreadable: `The spreadsheet must have a sheet named ${RETURNS_SHEET}` };
  if (sheet.actualRowCount > SHEET_ROW_LIMIT + 1)
    return { unreadable: `The ${RETURNS_SHEET} sheet must have at most ${SHEET_ROW_LIMIT} rows` };
  const headings = new Map<number, string>();
  sheet.getRow(1).eachCell((cell, c) => {
    const heading = cellText(cell.value)?.trim();
    if (heading) headings.set(c, heading);
  });
  const named = new Set(headings.values());
  const problems: SheetProblem[] = REQUIRED_COLUMNS.filter((c) => !named.has(c)).map((column) => ({
    row: 1,
    column,
    message: 'is missing: download the spreadsheet again and keep its headings',
  }));
  // Two columns of one heading: which one was meant cannot be told (the second silently won before).
  const seen = new Set<string>();
  for (const heading of headings.values()) {
    if (seen.has(heading)) {
      problems.push({
        row: 1,
        column: heading,
        message: 'is a heading of two columns: keep one, as the downloaded spreadsheet has',
      });
    }
    seen.add(heading);
  }
  const rows: SheetRow[] = [];
  if (problems.length > 0) return { rows, problems };
  sheet.eachRow((row, r) => {
    if (r === 1) return;
    const cells: SheetRow['cells'] = {};
    for (const [c, heading] of headings) {
      const value = row.getCell(c).value;
      const error = cellError(value);
      if (error) {
        problems.push({
          row: r,
          column: heading,
          message: error.startsWith('#')
            ? `shows the spreadsheet error ${error}: type the value itself, or clear the cell`
            : 'is a formula saved without its value: type the value itself, or open and save the file in a spreadsheet program',
        });
        continue;
      }
      const read = typeof value === 'number' ? value : cellText(value);
      if (read !== undefined && read !== '') cells[heading] = read;
    }
    if (Object.keys(cells).length > 0) rows.push({ row: r, cells });
  });
  return { rows, problems };
}
