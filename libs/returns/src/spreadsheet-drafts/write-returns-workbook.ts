// Types only here: exceljs is loaded when a workbook is first read or written, not with every process.
import type ExcelJS from 'exceljs';
import { workbookText, xmlCarriableDeep } from '../../../kernel/src/index.js';
import { Indicator } from '../../../plan/src/index.js';
import { LIMITS } from '../return/return-content.dto.js';
import { ReturnContent } from '../return/return-content.js';
import {
  CELL_CHARACTERS,
  COLUMNS,
  DOT_WORDS,
  indicatorColumn,
  PROGRESS_TOO_LONG,
  RAG_WORDS,
  RETURNS_SHEET,
} from './returns-sheet.js';

/** One of the agency's open returns, as the workbook shows it. */
export interface WorkbookReturn {
  returnId: string;
  version: number;
  measureRef: string;
  measureText: string;
  content: ReturnContent;
  indicators: readonly Indicator[];
  /** The same measure's approved return of the latest earlier cycle, for context; null when there is none. */
  lastCycle: ReturnContent | null;
}

const GREY = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE5E5E5' } } as const;

/**
 * The columns a lead writes words in, formatted as Text (`@`): in a General cell Excel takes what is typed, or a
 * draft edited and left, as a formula when it starts `=`, `+`, `-` or `@`, so a Markdown list ("- Attending
 * events") or "-5% on last year" became a formula error, or a formula that ran, instead of the lead's words.
 */
const TEXT_COLUMNS: ReadonlySet<string> = new Set([COLUMNS.narrative, COLUMNS.comments, COLUMNS.ragReason]);

/**
 * The agency's open returns as one sheet: what the service knows in grey, locked cells (the return's id and the
 * version it was downloaded at, which the upload checks, among them); what the lead writes in open cells,
 * pre-filled with the current draft. The sheet is protected without a password: it guards against typing in the
 * wrong column, not against the lead.
 */
export async function writeReturnsWorkbook(stored: readonly WorkbookReturn[]): Promise<Buffer> {
  // A draft may hold what XML cannot carry: the lead's own download must open, and read back when uploaded.
  const returns = xmlCarriableDeep(stored);
  const { default: Excel } = await import('exceljs');
  const book = new Excel.Workbook();
  const sheet = book.addWorksheet(RETURNS_SHEET);
  const names = [...new Set(returns.flatMap((r) => r.indicators.map((i) => i.name)))];
  const context = [
    { header: COLUMNS.returnId, width: 14 },
    { header: COLUMNS.version, width: 9 },
    { header: COLUMNS.ref, width: 7 },
    { header: COLUMNS.measure, width: 40 },
    { header: COLUMNS.lastRag, width: 12 },
    { header: COLUMNS.lastProgress, width: 40 },
    { header: COLUMNS.lastValues, width: 25 },
  ];
  const editable = [
    { header: COLUMNS.rag, width: 10 },
    { header: COLUMNS.narrative, width: 60 },
    { header: COLUMNS.dot, width: 12 },
    { header: COLUMNS.comments, width: 40 },
    { header: COLUMNS.ragReason, width: 30 },
    ...names.map((name) => ({ header: indicatorColumn(name), width: 18 })),
  ];
  // Each text as a workbook holds it: a typed `_x0041_` is read back as typed, not as "A".
  const headings = [...context, ...editable].map((column) => column.header);
  sheet.columns = [...context, ...editable].map((column) => ({
    ...column,
    header: workbookText(column.header),
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: 'frozen', xSplit: 4, ySplit: 1 }];
  for (const r of returns) {
    const valueOf = (c: ReturnContent | null, name: string) =>
      c?.indicators?.find((i) => i.name === name)?.value ?? null;
    const cells: ExcelJS.CellValue[] = [
      r.returnId,
      r.version,
      r.measureRef,
      r.measureText,
      r.lastCycle?.rag ? RAG_WORDS[r.lastCycle.rag] : null,
      cellSized(r.lastCycle?.narrative ?? null),
      r.lastCycle?.indicators?.map((i) => `${i.name}: ${i.value ?? 'not known'}`).join('; ') || null,
      r.content.rag ? RAG_WORDS[r.content.rag] : null,
      tooLong(r.content.narrative) ? PROGRESS_TOO_LONG : (r.content.narrative ?? null),
      r.content.dot ? DOT_WORDS[r.content.dot] : null,
      r.content.comments ?? null,
      r.content.ragReason ?? null,
      ...names.map((name) => valueOf(r.content, name)),
    ];
    const row = sheet.addRow(cells.map((cell) => (typeof cell === 'string' ? workbookText(cell) : cell)));
    const declared = new Set(r.indicators.map((i) => i.name));
    row.eachCell({ includeEmpty: true }, (cell, c) => {
      const heading = headings[c - 1];
      const open =
        c > context.length &&
        (!heading.startsWith('Value: ') || declared.has(heading.slice(7))) &&
        !(heading === COLUMNS.narrative && tooLong(r.content.narrative));
      cell.alignment = { wrapText: true, vertical: 'top' };
      if (TEXT_COLUMNS.has(heading)) cell.numFmt = '@';
      if (open) cell.protection = { locked: false };
      else cell.fill = GREY;
    });
    row.getCell(context.length + 1).dataValidation = list(
      Object.values(RAG_WORDS),
      'Choose Green, Amber or Red',
    );
    row.getCell(context.length + 3).dataValidation = list(
      Object.values(DOT_WORDS),
      'Choose a direction of travel',
    );
    row.getCell(context.length + 2).dataValidation = length(Math.min(LIMITS.narrative, CELL_CHARACTERS));
    row.getCell(context.length + 4).dataValidation = length(LIMITS.comments);
    row.getCell(context.length + 5).dataValidation = length(LIMITS.ragReason);
  }
  await sheet.protect('', {
    formatColumns: true,
    formatRows: true,
    selectLockedCells: true,
    selectUnlockedCells: true,
  });
  return Buffer.from(await book.xlsx.writeBuffer());
}

const list = (words: string[], error: string): ExcelJS.DataValidation => ({
  type: 'list',
  allowBlank: true,
  formulae: [`"${words.join(',')}"`],
  showErrorMessage: true,
  error,
});

const length = (max: number): ExcelJS.DataValidation => ({
  type: 'textLength',
  operator: 'lessThanOrEqual',
  allowBlank: true,
  formulae: [max],
  showErrorMessage: true,
  error: `At most ${max.toLocaleString('en-GB')} characters`,
});

/** Whether a text is longer than a spreadsheet cell holds (counted as Excel counts, in UTF-16 units). */
const tooLong = (text: string | null | undefined): boolean => (text ?? '').length > CELL_CHARACTERS;

/** Last cycle's progress, for reading only: cut to what a cell holds, saying so. */
function cellSized(text: string | null): string | null {
  if (!tooLong(text)) return text;
  const more = ' [… the rest is on the service]';
  return text!.slice(0, CELL_CHARACTERS - more.length) + more;
}
