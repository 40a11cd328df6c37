import { stringify } from 'csv-stringify/sync';
import { runsAsSpreadsheetFormula } from '../../../kernel/src/index.js';
import { AnyCycleReport } from '../cycle-report/published-cycle-report.js';
import { colophon, PublicationFacts } from './colophon.js';
import { withoutDirectionControls } from './direction-controls.js';
import { CsvPart } from './report-format.js';
import {
  APPENDIX_HEADER,
  appendixRows,
  CASE_STUDY_HEADER,
  caseStudyRows,
  SUMMARY_HEADER,
  summaryRows,
} from './report-parts.js';
import { INDICATOR_HEADER, indicatorRows } from './indicator-rows.js';
import { TABLE_CELL_HEADER, tableCellRows } from './table-cell-rows.js';
import { reportRows, rowHeader } from './report-rows.js';

/** A cell that starts with any control character at all (tab and carriage return are the classic ones). */
const LEADING_CONTROL = /^\p{Cc}/u;

/**
 * A cell a spreadsheet would run as a formula (kernel's runsAsSpreadsheetFormula: "=cmd", " =cmd", "＝cmd",
 * "\uFEFF=cmd", "-2+3"; the evidence CSV check refuses the same cells) gets a leading apostrophe, so opening the
 * CSV never executes what an agency typed, and so, to be safe, does a cell that starts with a control character
 * whatever follows. Numbers the report itself puts in a cell are left alone, and so is a signed figure ("-1.6%",
 * "+2", "-1,200.5", "−1.6%" with the minus sign): a spreadsheet reads it as a number and runs nothing, and an apostrophe would make the NEET
 * table's "Diff from target" text, and show.
 */
export function neutraliseFormula(cell: string | number): string | number {
  return typeof cell === 'string' && (runsAsSpreadsheetFormula(cell) || LEADING_CONTROL.test(cell))
    ? `'${cell}`
    : cell;
}

/**
 * A cell as the Word report prints it, without direction overrides (withoutDirectionControls): one typed in a
 * link's words ran on over the address after them. Left out before the formula check, which then sees what the
 * spreadsheet will read.
 */
const printedText = (cell: string | number) =>
  typeof cell === 'string' ? withoutDirectionControls(cell) : cell;

/** Records stringified at a time: small enough that a chunk never holds the event loop for long. */
const RECORDS_PER_CHUNK = 2_000;

/**
 * The report's measures as CSV, RFC 4180 (CRLF between records; a cell holding a comma, a quote, a carriage
 * return or a line feed is quoted, its quotes doubled), UTF-8 with a byte order mark so spreadsheets read "£"
 * right. csv-stringify's CommonJS build quotes a cell only for the record delimiter itself, not for a bare
 * line feed, so every narrative would split its record: the line breaks are named here.
 */
export function renderReportCsv(
  report: AnyCycleReport,
  part: CsvPart = 'measures',
  published?: PublicationFacts,
): string {
  return [...reportCsvChunks(report, part, published)].join('');
}

/**
 * The same CSV in pieces of a few thousand records, made as they are asked for: the api streams them, so the
 * tables part of a report whose returns hold hundreds of thousands of cells is never whole in memory.
 */
export function* reportCsvChunks(
  report: AnyCycleReport,
  part: CsvPart = 'measures',
  published?: PublicationFacts,
): Generator<string> {
  const [header, rows] = csvTable(report, part, published !== undefined);
  const stringified = (records: (string | number)[][]) =>
    stringify(records, { record_delimiter: '\r\n', quoted_match: /[\r\n]/ });
  yield `\ufeff${stringified([[...header]])}`;
  let chunk: (string | number)[][] = [];
  for (const row of rows) {
    chunk.push(row.map((cell) => neutraliseFormula(printedText(cell))));
    if (chunk.length === RECORDS_PER_CHUNK) {
      yield stringified(chunk);
      chunk = [];
    }
  }
  // Every part of a publication ends with its colophon, in the first column with the others empty: each file is
  // often sent or kept alone (the tables to an analyst, the summary to committee), and then says which
  // publication it is from. Every record keeps the header's width, so a parser that reads it as a table still can.
  if (published) chunk.push([colophon(published), ...header.slice(1).map(() => '')]);
  if (chunk.length > 0) yield stringified(chunk);
}

/**
 * One CSV holds one table, so the report comes as six: the measures (the default), the summary (headline and
 * counts by theme), the measures' tables cell by cell, their indicators, the appendices and their case studies.
 */
function csvTable(
  report: AnyCycleReport,
  part: CsvPart,
  published: boolean,
): [readonly string[], Iterable<(string | number)[]>] {
  switch (part) {
    case 'summary':
      return [SUMMARY_HEADER, summaryRows(report)];
    case 'appendices':
      return [APPENDIX_HEADER, appendixRows(report)];
    case 'case-studies':
      return [CASE_STUDY_HEADER, caseStudyRows(report)];
    case 'tables':
      return [TABLE_CELL_HEADER, tableCellRows(report)];
    case 'indicators':
      return [INDICATOR_HEADER, indicatorRows(report)];
    default:
      return [rowHeader(report, published), reportRows(report, published).map((r) => r.cells)];
  }
}
