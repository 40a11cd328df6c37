import { stringify } from 'csv-stringify/sync';
import { CycleReport } from '../cycle-report/cycle-report.js';
import { ROW_HEADER, reportRows } from './report-rows.js';

/**
 * A cell a spreadsheet would run as a formula (=, +, -, @, tab, carriage return first) gets a leading
 * apostrophe, so opening the CSV never executes what an agency typed.
 */
export function neutraliseFormula(cell: string | number): string | number {
  return typeof cell === 'string' && /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
}

/** The report's measures as CSV (RFC 4180, UTF-8 with a byte order mark so spreadsheets read "£" right). */
export function renderReportCsv(report: CycleReport): string {
  const rows = reportRows(report).map((r) => r.cells.map(neutraliseFormula));
  return `\ufeff${stringify([[...ROW_HEADER], ...rows], { record_delimiter: '\r\n' })}`;
}
