import type { Writable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';
// Types only here: exceljs is loaded when a workbook is first read or written, not with every process.
import type ExcelJS from 'exceljs';
import { workbookText, xmlCarriableDeep } from '../../../kernel/src/index.js';
import { AnyCycleReport } from '../cycle-report/published-cycle-report.js';
import { asAtLine, colophon, PublicationFacts } from './colophon.js';
import { withoutDirectionControls } from './direction-controls.js';
import {
  APPENDIX_HEADER,
  appendixRows,
  CASE_STUDY_HEADER,
  caseStudyRows,
  SUMMARY_HEADER,
  summaryRows,
  THEME_HEADER,
  themeRows,
} from './report-parts.js';
import { EVIDENCE_HEADER, evidenceRows } from './evidence-rows.js';
import { INDICATOR_HEADER, indicatorRows } from './indicator-rows.js';
import { reportRows, rowHeader } from './report-rows.js';
import { typedFigure } from './typed-figure.js';
import { excelDate } from './excel-dates.js';
import { keepFormulaTextAsText } from './xlsx-formula-text.js';

const FILLS: Record<string, { fill: string; font: string }> = {
  green: { fill: 'FF00703C', font: 'FFFFFFFF' },
  amber: { fill: 'FFFFBF47', font: 'FF0B0C0C' },
  red: { fill: 'FFD4351C', font: 'FFFFFFFF' },
  none: { fill: 'FFF3F2F1', font: 'FF0B0C0C' },
};

/**
 * Rows written between two turns of the event loop: the zip (and the response behind it) takes each batch
 * away before the next is written, so a sheet's XML never piles up whole in memory.
 */
const ROWS_PER_TURN = 200;

type Sheet = ExcelJS.Worksheet;

/** The most characters Excel holds in a cell: a longer one makes it call the whole file corrupt. */
export const EXCEL_CELL_LIMIT = 32_767;
const CUT_NOTE = ' [cut short: the whole text is in the HTML and CSV report]';

/**
 * A row of the sheet: each text as a workbook holds it (a typed `_x003D_` stays as typed), without direction
 * overrides as the Word report prints it (an override in a link's words ran on over the address after them) and,
 * formula-looking, kept text however it is edited.
 */
function addRow(sheet: Sheet, cells: ExcelJS.CellValue[]): ExcelJS.Row {
  return keepFormulaTextAsText(
    sheet.addRow(
      cells.map((cell) => (typeof cell === 'string' ? workbookText(withoutDirectionControls(cell)) : cell)),
    ),
  );
}

/** Cells as Excel can open them: a text over its limit is cut, and says so. */
function fit(cells: (string | number)[]): (string | number)[] {
  return cells.map((cell) =>
    typeof cell === 'string' && cell.length > EXCEL_CELL_LIMIT
      ? `${cell.slice(0, EXCEL_CELL_LIMIT - CUT_NOTE.length).replace(/[\ud800-\udbff]$/, '')}${CUT_NOTE}`
      : cell,
  );
}

/**
 * The report as a workbook, written as it is built into `output` (the HTTP response): a summary sheet (title,
 * partnership, period, headline, RAG by theme), the themes, the measures with RAG cells coloured and worded, their
 * indicators, every return table as a block of its own (its figures as numbers), the evidence, the appendices and
 * the case studies. Text is written as text values, never as formulas.
 *
 * exceljs's streaming writer keeps only the row being written: a 5,000-measure report built as a whole
 * `Workbook` held every cell as an object, then the zip, beside the report (the api's peak memory, issue 7).
 * Each sheet is committed before the next is started, because the zip takes its entries one at a time and
 * would buffer a second open sheet whole. Resolves once the last byte has been handed to `output`.
 */
export async function writeReportXlsx(
  stored: AnyCycleReport,
  output: Writable,
  published?: PublicationFacts,
): Promise<void> {
  // Stored text may hold what XML cannot carry (U+FFFF in an evidence title, say): Excel would call it corrupt.
  const report = xmlCarriableDeep(stored);
  const { default: Excel } = await import('exceljs');
  const book = new Excel.stream.xlsx.WorkbookWriter({
    stream: output,
    // As the in-memory writer did: styles for the RAG cells, one shared table for repeated strings. exceljs's
    // only other way writes each text as a formula's string result (t="str" with no formula): a quarter faster
    // here, but not how Excel itself writes text, so not risked on a council's spreadsheet reader.
    useStyles: true,
    useSharedStrings: true,
  });
  book.creator = 'Partner Returns';
  book.title = withoutDirectionControls(report.title);

  // A sheet that is a list keeps its heading row in view as it scrolls: a case study's sections run to dozens of
  // tall rows, and its columns were nameless below the first screen. (Summary is read as a page; Tables holds
  // blocks, each with its own header.)
  // Printed, a sheet lies on A4 landscape as the seed does, its columns fitted to the page's width: Excel's
  // default (portrait, full size) printed the Measures sheet's ten columns across four pages side by side.
  const paper = () => ({
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape' as const,
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
    },
  });
  const list = () => ({ ...paper(), views: [{ state: 'frozen' as const, ySplit: 1 }] });
  // The sheets in the published report's order (the seed's, the page's and the Word report's): the summary, what
  // each theme's part opens with (its ambition, lead agencies and priorities), its measures, and what the page
  // prints in and under a measure's row, in the Measures sheet's own column order (the indicators at the top of
  // its progress, its tables, the evidence with its comments); then the appendices and their case studies. The
  // indicators and the evidence came after the case studies, as if they were the report's last appendix.
  writeSummary(book.addWorksheet('Summary', paper()), report, published);
  writeThemes(book.addWorksheet('Themes', list()), report);
  await writeMeasures(book.addWorksheet('Measures', list()), report, published !== undefined);
  writeIndicators(book.addWorksheet('Indicators', list()), report);
  await writeTables(book.addWorksheet('Tables', paper()), report);
  writeEvidence(book.addWorksheet('Evidence', list()), report);
  writeAppendices(book.addWorksheet('Appendices', list()), report);
  await writeCaseStudies(book.addWorksheet('Case studies', list()), report);
  await book.commit();
}

function writeSummary(summary: Sheet, report: AnyCycleReport, published?: PublicationFacts): void {
  summary.columns = [40, 12, 12, 12, 12, 12, 12, 14, 36].map((width) => ({ width }));
  addRow(summary, [report.title]).font = { bold: true, size: 14 };
  addRow(summary, [report.partnership]);
  addRow(summary, [report.yearHeading]);
  if (report.asAt) addRow(summary, [asAtLine(report.asAt)]);
  addRow(summary, []);
  addRow(summary, [report.headline.text]).font = { bold: true, size: 12 };
  addRow(summary, [
    `${report.headline.rated} of ${report.headline.measures} measures rated; on target means rated Green`,
  ]);
  addRow(summary, []);
  addRow(summary, [...SUMMARY_HEADER]).font = { bold: true };
  const rows = summaryRows(report);
  rows.forEach((row, i) => {
    const added = addRow(summary, row);
    if (i === rows.length - 1) added.font = { bold: true };
  });
  if (published) {
    addRow(summary, []);
    addRow(summary, [colophon(published)]);
  }
  summary.commit();
}

/**
 * Each column's width by its heading: a publication leaves the workflow's columns out, and widths given by place
 * then fell on the wrong ones (the comments got the 12 characters of "Previous RAG", so each comment ran down
 * its cell a word or two a line).
 */
const MEASURE_WIDTHS: Readonly<Record<string, number>> = {
  Theme: 20,
  Ref: 8,
  'Key success measure': 40,
  Agency: 30,
  RAG: 10,
  Progress: 80,
  Tables: 50,
  DOT: 12,
  'DOT suggested by RAGs': 14,
  'Previous RAG': 12,
  'Direction of travel & comments': 40,
  'Approved by': 28,
  'Approved at': 24,
  Version: 8,
  'Last updated': 18,
  'RAG trend': 30,
  'Theme lead agencies': 30,
  'Theme priorities': 60,
};

/**
 * The columns that hold a date: real dates in the sheet, shown the UK way, so an officer sorts and filters by
 * them (as ISO text they sorted only by accident and filtered as words). The CSV keeps them as ISO text.
 */
const DATE_COLUMNS: ReadonlySet<string> = new Set(['Approved at', 'Last updated']);

async function writeMeasures(measures: Sheet, report: AnyCycleReport, published: boolean): Promise<void> {
  const header = rowHeader(report, published);
  measures.columns = header.map((column) => ({ width: MEASURE_WIDTHS[column] ?? 14 }));
  addRow(measures, header).font = { bold: true };
  const dateColumns = header.flatMap((column, i) => (DATE_COLUMNS.has(column) ? [i] : []));
  let written = 0;
  for (const row of reportRows(report, published)) {
    const dates = dateColumns.map((i) => [i, excelDate(String(row.cells[i]))] as const);
    const cells: (string | number | Date | null)[] = fit(row.cells);
    for (const [i, date] of dates) if (date) cells[i] = date.value;
    const added = addRow(measures, cells);
    added.alignment = { vertical: 'top', wrapText: true };
    for (const [i, date] of dates) if (date?.numFmt) added.getCell(i + 1).numFmt = date.numFmt;
    const colours = FILLS[row.rag ?? 'none'];
    const rag = added.getCell(5);
    rag.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: colours.fill } };
    rag.font = { bold: true, color: { argb: colours.font } };
    added.commit();
    if (++written % ROWS_PER_TURN === 0) await nextTurn();
  }
  measures.commit();
}

/**
 * Every return table as a block: caption, header, rows. A cell whose whole text is a figure ("32,240", "3.6%")
 * is a number in the format that shows it as typed, so a sheet can sum and sort it; any other cell, and every
 * header, stays text as typed.
 */
async function writeTables(tables: Sheet, report: AnyCycleReport): Promise<void> {
  // The streaming writer puts the column widths out before the first row, so they are measured first.
  tables.columns = tableColumnWidths(report).map((width) => ({ width }));
  let written = 0;
  for (const theme of report.themes) {
    for (const m of theme.measures) {
      for (const table of m.tables) {
        addRow(tables, fit([`${m.ref}: ${table.caption}`])).font = { bold: true };
        const header = addRow(tables, fit(table.header));
        header.font = { bold: true };
        header.alignment = { vertical: 'top', wrapText: true };
        for (const row of table.rows) addFigureRow(tables, row);
        addRow(tables, []).commit();
      }
      if (++written % ROWS_PER_TURN === 0) await nextTurn();
    }
  }
  tables.commit();
}

/** A table row with each figure as a number in its typed format and each other cell as text. */
function addFigureRow(sheet: Sheet, cells: string[]): void {
  const figures = cells.map(typedFigure);
  const added = addRow(sheet, fit(cells.map((cell, i) => figures[i]?.value ?? cell)));
  added.alignment = { vertical: 'top', wrapText: true };
  figures.forEach((figure, i) => {
    if (figure) added.getCell(i + 1).numFmt = figure.numFmt;
  });
}

/** Columns of the Tables sheet: wide enough for the longest header or cell line in them, within reason. */
const TABLE_COLUMN = { min: 10, max: 50 };

/**
 * The width of each column of the Tables sheet, from the headers and cells of every table (a caption is left
 * out: it runs on over the empty cells beside it). A header longer than the widest column wraps.
 */
function tableColumnWidths(report: AnyCycleReport): number[] {
  const widths: number[] = [];
  for (const theme of report.themes)
    for (const m of theme.measures)
      for (const table of m.tables)
        for (const cells of [table.header, ...table.rows])
          cells.forEach((cell, i) => {
            const longest = Math.max(...cell.split('\n').map((line) => [...line].length));
            // Two characters over the text: Excel's width unit is a digit of the default font, bold is wider.
            widths[i] = Math.max(widths[i] ?? TABLE_COLUMN.min, Math.min(longest + 2, TABLE_COLUMN.max));
          });
  return widths;
}

/** A row per theme: its ambition, lead agencies and priorities, as the page prints them over its table. */
function writeThemes(sheet: Sheet, report: AnyCycleReport): void {
  sheet.columns = [24, 50, 40, 80].map((width) => ({ width }));
  addRow(sheet, [...THEME_HEADER]).font = { bold: true };
  for (const row of themeRows(report)) {
    const added = addRow(sheet, fit(row));
    added.alignment = { vertical: 'top', wrapText: true };
    added.commit();
  }
  sheet.commit();
}

function writeAppendices(sheet: Sheet, report: AnyCycleReport): void {
  sheet.columns = [10, 40, 30, 80, 14].map((width) => ({ width }));
  addRow(sheet, [...APPENDIX_HEADER]).font = { bold: true };
  for (const row of appendixRows(report)) {
    const added = addRow(sheet, fit(row));
    added.alignment = { vertical: 'top', wrapText: true };
    added.commit();
  }
  sheet.commit();
}

/** A row per section of each case study, with its appendix, group, measure, organisation and author. */
async function writeCaseStudies(studies: Sheet, report: AnyCycleReport): Promise<void> {
  studies.columns = [30, 24, 10, 40, 30, 30, 30, 100].map((width) => ({ width }));
  addRow(studies, [...CASE_STUDY_HEADER]).font = { bold: true };
  let written = 0;
  for (const row of caseStudyRows(report)) {
    const added = addRow(studies, fit(row));
    added.alignment = { vertical: 'top', wrapText: true };
    added.commit();
    if (++written % ROWS_PER_TURN === 0) await nextTurn();
  }
  studies.commit();
}

/** Every file on the cycle's returns, by title, type and size, and whether the report lists it. */
function writeEvidence(sheet: Sheet, report: AnyCycleReport): void {
  sheet.columns = [30, 10, 50, 24, 10, 10].map((width) => ({ width }));
  addRow(sheet, [...EVIDENCE_HEADER]).font = { bold: true };
  for (const row of evidenceRows(report)) addRow(sheet, fit(row)).commit();
  sheet.commit();
}

/** The indicators with their numbers in numeric cells, so a sheet can sum, compare and chart them. */
function writeIndicators(sheet: Sheet, report: AnyCycleReport): void {
  sheet.columns = [20, 8, 40, 30, 10, 10, 12, 12, 12, 14].map((width) => ({ width }));
  addRow(sheet, [...INDICATOR_HEADER]).font = { bold: true };
  for (const row of indicatorRows(report)) {
    const added = addRow(sheet, fit(row));
    const rag = added.getCell(INDICATOR_HEADER.length);
    const colours = FILLS[String(rag.value ?? '').toLowerCase()];
    if (colours) {
      rag.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: colours.fill } };
      rag.font = { bold: true, color: { argb: colours.font } };
    }
    added.commit();
  }
  sheet.commit();
}
