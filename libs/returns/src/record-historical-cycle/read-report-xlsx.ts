// Types only here: exceljs is loaded when a workbook is first read or written, not with every process.
import type ExcelJS from 'exceljs';
import { isCalendarDate, isWellFormedId, TEXT_FAULT_MESSAGES, textFault } from '../../../kernel/src/index.js';
import { DIRECTIONS, DirectionOfTravel, Rag, RAGS, ReturnContent } from '../return/return-content.js';
import { LIMITS } from '../return/return-content.dto.js';
import { FileLocation, FileProblem, HISTORY_LIMITS, HistoricalFile } from './historical-file.js';
import {
  preflightXlsx,
  XLSX_MAX_CELLS,
  XLSX_MAX_MERGED_CELLS,
  XLSX_MAX_MERGES,
  XLSX_MAX_SHARED_STRINGS,
  XLSX_MAX_STYLES,
  XlsxRefusal,
} from './xlsx-preflight.js';

const UNOPENED = 'is not a spreadsheet this service can read (XLSX)';
const REFUSALS: Record<XlsxRefusal, string> = {
  'too-large': 'unzips to more than a past report could hold (20 MB)',
  unreadable: UNOPENED,
  'too-many-merges': `must have at most ${XLSX_MAX_MERGES.toLocaleString('en-GB')} merged cells: unmerge them and upload it again`,
  'merges-too-large': `must have merged cells covering at most ${XLSX_MAX_MERGED_CELLS.toLocaleString('en-GB')} cells: unmerge them and upload it again`,
  'too-many-cells': `must have at most ${XLSX_MAX_CELLS.toLocaleString('en-GB')} cells, ${XLSX_MAX_SHARED_STRINGS.toLocaleString('en-GB')} distinct texts and ${XLSX_MAX_STYLES.toLocaleString('en-GB')} cell styles: keep the report's two sheets only and upload it again`,
};

/**
 * Reads a past report typed into a spreadsheet: a "Cycle" sheet of rows naming Label, Period start, Period end
 * and, optionally, Title and Year heading (the name in column A, the value in B), and a "Measures" sheet whose
 * first row names its columns: Ref, RAG, Progress, and optionally DOT and Comments (or the report's own
 * "Direction of travel & comments"); other columns are left alone. Every problem is named by sheet, row and
 * column; nothing stops at the first.
 */
export async function readReportXlsx(bytes: Buffer): Promise<HistoricalFile> {
  const problems: FileProblem[] = [];
  const file: HistoricalFile = {
    label: null,
    periodStart: null,
    periodEnd: null,
    measures: [],
    problems,
    factsAt: {},
  };
  // Unzipped and its merged cells counted before exceljs sees it: exceljs is given only what was counted.
  const checked = preflightXlsx(bytes);
  if ('refused' in checked) {
    problems.push({ at: { pointer: '' }, message: REFUSALS[checked.refused] });
    return file;
  }
  const { default: Excel } = await import('exceljs');
  const book = new Excel.Workbook();
  try {
    await book.xlsx.load(checked.bytes as unknown as ArrayBuffer);
  } catch {
    problems.push({ at: { pointer: '' }, message: UNOPENED });
    return file;
  }
  readCycleSheet(book, file);
  readMeasuresSheet(book, file);
  return file;
}

const say = (file: HistoricalFile, at: FileLocation, message: string) => file.problems.push({ at, message });
const cellAt = (sheet: string, row: number, column: number): FileLocation => ({
  sheet,
  row,
  column: columnLetter(column),
});

function readCycleSheet(book: ExcelJS.Workbook, file: HistoricalFile): void {
  const sheet = book.getWorksheet('Cycle');
  if (!sheet) {
    say(
      file,
      { sheet: 'Cycle', row: 1, column: 'A' },
      'is missing: a sheet named Cycle with Label, Period start and Period end',
    );
    return;
  }
  const found = new Map<string, { value: ExcelJS.CellValue; at: FileLocation }>();
  sheet.eachRow((row, r) => {
    const name = cellText(row.getCell(1).value)?.trim().toLowerCase();
    if (name) found.set(name, { value: row.getCell(2).value, at: cellAt('Cycle', r, 2) });
  });
  const missing = (name: string) =>
    say(file, { sheet: 'Cycle', row: sheet.rowCount + 1, column: 'A' }, `has no row named ${name}`);
  const label = found.get('label');
  if (!label) missing('Label');
  else file.label = oneLine(file, cellText(label.value), label.at, true) ?? null;
  for (const [name, key] of [
    ['period start', 'periodStart'],
    ['period end', 'periodEnd'],
  ] as const) {
    const given = found.get(name);
    if (!given) {
      missing(name[0].toUpperCase() + name.slice(1));
      continue;
    }
    file.factsAt![key] = given.at;
    const day =
      given.value instanceof Date ? given.value.toISOString().slice(0, 10) : cellText(given.value)?.trim();
    if (isCalendarDate(day)) file[key] = day;
    else say(file, given.at, 'must be a real date, such as 2020-03-31');
  }
  const title = found.get('title');
  const reportTitle = title && oneLine(file, cellText(title.value), title.at, false);
  if (reportTitle) file.reportTitle = reportTitle;
  const heading = found.get('year heading');
  const yearHeading = heading && oneLine(file, cellText(heading.value), heading.at, false);
  if (yearHeading) file.yearHeading = yearHeading;
}

const COLUMNS = {
  ref: ['ref'],
  rag: ['rag'],
  narrative: ['progress'],
  dot: ['dot'],
  comments: ['comments', 'direction of travel & comments'],
} as const;

function readMeasuresSheet(book: ExcelJS.Workbook, file: HistoricalFile): void {
  const sheet = book.getWorksheet('Measures');
  if (!sheet) {
    say(
      file,
      { sheet: 'Measures', row: 1, column: 'A' },
      'is missing: a sheet named Measures, one row per measure',
    );
    return;
  }
  const where: Partial<Record<keyof typeof COLUMNS, number>> = {};
  sheet.getRow(1).eachCell((cell, c) => {
    const name = cellText(cell.value)?.trim().toLowerCase();
    for (const [key, names] of Object.entries(COLUMNS) as [keyof typeof COLUMNS, readonly string[]][])
      if (name && names.includes(name) && where[key] === undefined) where[key] = c;
  });
  const absent = (['ref', 'rag', 'narrative'] as const).filter((k) => where[k] === undefined);
  for (const key of absent)
    say(
      file,
      { sheet: 'Measures', row: 1, column: 'A' },
      `has no ${key === 'narrative' ? 'Progress' : key === 'ref' ? 'Ref' : 'RAG'} column`,
    );
  if (absent.length > 0) return;
  sheet.eachRow((row, r) => {
    if (r === 1) return;
    const at = (key: keyof typeof COLUMNS) => cellAt('Measures', r, where[key]!);
    const value = (key: keyof typeof COLUMNS) =>
      where[key] === undefined ? undefined : cellText(row.getCell(where[key]!).value)?.trim();
    const ref = value('ref');
    if (!ref && !value('narrative')) return; // an empty row
    if (!isWellFormedId('measureRef', ref)) {
      say(file, at('ref'), 'must be a measure reference such as S1 or Sus4');
      return;
    }
    const content: ReturnContent = {};
    const rag = value('rag')?.toLowerCase();
    if (RAGS.includes(rag as Rag)) content.rag = rag as Rag;
    else say(file, at('rag'), 'must be Red, Amber or Green');
    const narrative = text(file, value('narrative') ?? '', at('narrative'), LIMITS.narrative);
    if (narrative) content.narrative = narrative;
    else if (narrative === '') say(file, at('narrative'), 'must say what progress was made');
    const dot = value('dot')?.toLowerCase().replace(/\s+/g, '-');
    if (dot) {
      if (DIRECTIONS.includes(dot as DirectionOfTravel)) content.dot = dot as DirectionOfTravel;
      else say(file, at('dot'), 'must be Improving, No change, Declining, New, or empty');
    }
    const comments = value('comments');
    if (comments) {
      const read = text(file, comments, at('comments'), LIMITS.comments);
      if (read) content.comments = read;
    }
    file.measures.push({ ref, content, at: at('ref') });
  });
  if (file.measures.length === 0 && file.problems.length === 0)
    say(file, { sheet: 'Measures', row: 2, column: 'A' }, 'must hold at least one measure with its return');
}

/**
 * The spreadsheet error a cell shows (`#N/A`, `#REF!`...), typed in or a formula's result, or that a formula was
 * saved with no value; undefined for a value. cellText reads such a cell as empty, which in a file of changes
 * would clear the field it stands in.
 */
export function cellError(value: ExcelJS.CellValue | undefined): string | undefined {
  if (value === null || typeof value !== 'object' || value instanceof Date) return undefined;
  if ('error' in value && typeof value.error === 'string') return value.error;
  if ('result' in value && value.result !== undefined) return cellError(value.result as ExcelJS.CellValue);
  // A formula saved without its value (written by a program that does not calculate): no value to read.
  if ('formula' in value || 'sharedFormula' in value) return 'of a formula with no saved value';
  return undefined;
}

/** A cell's value as text: rich text joined, a formula by its result; numbers and dates as written. */
export function cellText(value: ExcelJS.CellValue | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((t) => t.text).join('');
  // A link's text, plain or rich (a link pasted from a web page or a document keeps its formatting).
  if ('text' in value) return cellText(value.text as ExcelJS.CellValue);
  if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
  return undefined;
}

function text(file: HistoricalFile, value: string, at: FileLocation, max: number): string | undefined {
  const fault = textFault(value);
  if (fault) {
    say(file, at, TEXT_FAULT_MESSAGES[fault]);
    return undefined;
  }
  if (value.length > max) {
    say(file, at, `must be at most ${max.toLocaleString('en-GB')} characters`);
    return undefined;
  }
  return value;
}

function oneLine(file: HistoricalFile, value: string | undefined, at: FileLocation, required: boolean) {
  const read = value === undefined ? undefined : text(file, value, at, HISTORY_LIMITS.label);
  if (read === undefined || !read.trim() || /[\r\n]/.test(read)) {
    if (required || value !== undefined) say(file, at, 'must be one line of words');
    return undefined;
  }
  return read.trim();
}

/** 1 → A, 27 → AA: columns as a spreadsheet names them. */
export function columnLetter(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}
