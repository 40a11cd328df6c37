import { ReturnContent } from '../return/return-content.js';

/** Where in the file a problem is: a JSON pointer into a report's JSON, or a cell of a spreadsheet. */
export type FileLocation = { pointer: string } | { sheet: string; row: number; column: string };

/** One thing wrong with a historical file, said where it is. */
export interface FileProblem {
  at: FileLocation;
  message: string;
}

/** One measure's approved return as the old report printed it. */
export interface HistoricalMeasure {
  ref: string;
  content: ReturnContent;
  /** Where its reference is, for problems about the measure as a whole (unknown, given twice). */
  at: FileLocation;
}

/** What a historical file says, as far as it could be read; every problem found on the way beside it. */
export interface HistoricalFile {
  label: string | null;
  periodStart: string | null;
  periodEnd: string | null;
  reportTitle?: string;
  yearHeading?: string;
  measures: HistoricalMeasure[];
  problems: FileProblem[];
  /** Where a spreadsheet gave the period (a JSON report gives it at /periodStart and /periodEnd). */
  factsAt?: { periodStart?: FileLocation; periodEnd?: FileLocation };
}

/** A problem's place in words, for the page and for logs: "/themes/0/measures/2/rag" or "Measures, row 4, column C". */
export function locationInWords(at: FileLocation): string {
  return 'pointer' in at ? at.pointer || 'the whole file' : `${at.sheet}, row ${at.row}, column ${at.column}`;
}

/** A cycle label and a report heading are one line each, as when drafting a cycle. */
export const HISTORY_LIMITS = { label: 200, heading: 200 } as const;
