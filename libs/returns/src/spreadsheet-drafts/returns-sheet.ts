import { DirectionOfTravel, Rag } from '../return/return-content.js';

/** The one sheet of an agency's returns workbook: a row per return, headed by the column names below. */
export const RETURNS_SHEET = 'Returns';

/** The columns the service reads back, by their heading; the lead may reorder them but not rename them. */
export const COLUMNS = {
  returnId: 'Return id',
  version: 'Version',
  ref: 'Ref',
  measure: 'Measure',
  lastRag: 'Last cycle RAG',
  lastProgress: 'Last cycle progress',
  lastValues: 'Last cycle values',
  rag: 'RAG',
  narrative: 'Progress',
  dot: 'DOT',
  comments: 'Comments',
  ragReason: 'RAG reason',
} as const;

/** An indicator's column: its name as the plan gives it, so a value lands on the indicator it was typed for. */
export const indicatorColumn = (name: string) => `Value: ${name}`;
export const indicatorOfColumn = (heading: string): string | null =>
  heading.startsWith('Value: ') ? heading.slice('Value: '.length) : null;

/** The columns without which a row cannot be read back as a draft. */
export const REQUIRED_COLUMNS = [
  COLUMNS.returnId,
  COLUMNS.version,
  COLUMNS.rag,
  COLUMNS.narrative,
  COLUMNS.dot,
  COLUMNS.comments,
  COLUMNS.ragReason,
] as const;

/** The most rows one upload reads: more returns than any agency is asked for in one cycle. */
export const SHEET_ROW_LIMIT = 500;

/** The largest workbook an upload takes. */
export const SPREADSHEET_MAX_BYTES = 5_000_000;

/** RAG and DOT as a spreadsheet user types them, and as the download writes them. */
export const RAG_WORDS: Record<Rag, string> = { green: 'Green', amber: 'Amber', red: 'Red' };
export const DOT_WORDS: Record<DirectionOfTravel, string> = {
  improving: 'Improving',
  'no-change': 'No change',
  declining: 'Declining',
  new: 'New',
};

/** One row as read: each heading's cell, a number kept as a number, empty cells left out. */
export interface SheetRow {
  row: number;
  cells: Record<string, string | number>;
}

/** A problem with one cell, or with a row as a whole (column: the row's Return id). */
export interface SheetProblem {
  row: number;
  column: string;
  message: string;
}

export const problemInWords = (p: SheetProblem) =>
  `${RETURNS_SHEET} sheet, row ${p.row}, column ${p.column}: ${p.message}`;

/** The most characters a spreadsheet cell holds (Excel's limit; LibreOffice's is the same order). */
export const CELL_CHARACTERS = 32_767;

/**
 * What the Progress cell says instead of a draft's narrative longer than a cell holds: Excel would cut it when
 * opening the file, and the upload would have saved the cut text over the lead's. A row saying this leaves the
 * narrative as it is; the rest of the row is read as usual.
 */
export const PROGRESS_TOO_LONG =
  `This progress is longer than a spreadsheet cell holds (${CELL_CHARACTERS.toLocaleString('en-GB')} characters), ` +
  'so it is not in this file: change it online, on the return form. Leave this cell as it is.';
