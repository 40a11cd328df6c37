export type Rag = 'red' | 'amber' | 'green';
export type DirectionOfTravel = 'improving' | 'no-change' | 'declining' | 'new';

export const RAGS: readonly Rag[] = ['red', 'amber', 'green'];
export const DIRECTIONS: readonly DirectionOfTravel[] = ['improving', 'no-change', 'declining', 'new'];

export interface ReturnTable {
  caption: string;
  header: string[];
  rows: string[][];
}

export interface CaseStudy {
  title: string;
  agency: string;
  sections: { heading: string; body: string }[];
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
}
