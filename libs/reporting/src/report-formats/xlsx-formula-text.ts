import type ExcelJS from 'exceljs';
import { runsAsSpreadsheetFormula } from '../../../kernel/src/index.js';

/** Excel's Text number format: whatever is typed or entered again in such a cell stays text. */
const TEXT_FORMAT = '@';

/**
 * The workbook writes every text as a text value, so opening it runs nothing. But Excel takes a cell's text
 * again as typed when an officer edits it and leaves it (double-clicking a long narrative to read it, then
 * clicking away, is enough), and a General cell holding `=HYPERLINK(...)` then becomes that formula. A text a
 * spreadsheet would run (kernel's runsAsSpreadsheetFormula, the CSV guard's rule) is formatted as Text, so it
 * stays text however it is edited; every other cell keeps the General format, so a figure typed later is a number.
 */
export function keepFormulaTextAsText(row: ExcelJS.Row): ExcelJS.Row {
  row.eachCell((cell) => {
    if (typeof cell.value === 'string' && runsAsSpreadsheetFormula(cell.value)) cell.numFmt = TEXT_FORMAT;
  });
  return row;
}
