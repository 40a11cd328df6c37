export type Rag = 'red' | 'amber' | 'green';
export type DirectionOfTravel = 'improving' | 'no-change' | 'declining' | 'new';

export const RAGS: readonly Rag[] = ['red', 'amber', 'green'];
export const DIRECTIONS: readonly DirectionOfTravel[] = ['improving', 'no-change', 'declining', 'new'];

export interface ReturnTable {
  caption: string;
  header: string[];
  rows: string[][];
}

/**
 * A table with no heading and no cell that holds anything: its caption, if any, over nothing. A return is not
 * submitted with one (table-empty), and the report leaves out those approved before that rule.
 */
export const isEmptyTable = (table: ReturnTable): boolean =>
  ![...table.header, ...table.rows.flat()].some((cell) => cell.trim() !== '');

export interface CaseStudy {
  title: string;
  agency: string;
  sections: { heading: string; body: string }[];
}

/** A measure's indicator (named as the plan names it) and its value for the period; null while not known. */
export interface IndicatorValue {
  name: string;
  value: number | null;
}

/** What an agency lead writes for one measure. A draft may leave anything out; a submission may not. */
export interface ReturnContent {
  rag?: Rag | null;
  /** Markdown subset: paragraphs, bullet and nested bullet lists, bold, links. */
  narrative?: string | null;
  dot?: DirectionOfTravel | null;
  comments?: string | null;
  tables?: ReturnTable[];
  caseStudies?: CaseStudy[];
  /** A value for each of the measure's indicators; the RAG is suggested from them (suggestRag). */
  indicators?: IndicatorValue[];
  /** Why the agency chose another RAG than its values suggest: the reviewer reads it. */
  ragReason?: string | null;
}
