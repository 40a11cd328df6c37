/** A section of a case study: the seed's studies have headings such as "The beginning", or none (''). */
export interface StudySection {
  heading: string;
  body: string;
}

/** A case study the coordinator typed into an appendix (the seed's partner and intern studies). */
export interface EnteredCaseStudy {
  title: string;
  /** Who it is by or about, printed as its attribution ("Kent Police"). */
  organisation: string;
  /** Its author and their role, where given ("Lucy Soper, Job Coach"). */
  author: string | null;
  /** The measure of the cycle's plan it belongs to, or null. */
  measureRef: string | null;
  /** The theme it is printed under in its appendix, or null to print it under no theme heading. */
  themeId: string | null;
  /**
   * The heading it is printed under when that is not its theme's title (the seed prints "Healthy Communities"
   * over a study of the Healthy Environment theme); null for the theme's title, or no heading without a theme.
   * Absent in events recorded before it existed.
   */
  groupHeading?: string | null;
  sections: StudySection[];
}

/**
 * An agency's case study placed in an appendix: a pointer to the study at `index` of the return's case studies,
 * so the report prints the study as the return's last approval has it, not a copy taken when it was placed.
 */
export interface PlacedCaseStudy {
  returnId: string;
  index: number;
  measureRef: string;
  themeId: string;
  agencyId: string;
}

export type AppendixEvent =
  | {
      type: 'AppendixAdded';
      data: { cycleId: string; appendixId: string; title: string; introduction: string };
    }
  | { type: 'AppendixChanged'; data: { appendixId: string; title: string; introduction: string } }
  /** position: its place from 0 in the new order. */
  | { type: 'AppendixMoved'; data: { appendixId: string; position: number } }
  | { type: 'AppendixRemoved'; data: { appendixId: string } }
  | {
      type: 'AppendixCaseStudyAdded';
      data: { appendixId: string; caseStudyId: string; study: EnteredCaseStudy };
    }
  | {
      type: 'AppendixCaseStudyChanged';
      data: { appendixId: string; caseStudyId: string; study: EnteredCaseStudy };
    }
  | {
      type: 'AgencyCaseStudyPlaced';
      data: { appendixId: string; caseStudyId: string; placed: PlacedCaseStudy };
    }
  | { type: 'AppendixCaseStudyMoved'; data: { appendixId: string; caseStudyId: string; position: number } }
  | { type: 'AppendixCaseStudyRemoved'; data: { appendixId: string; caseStudyId: string } }
  /**
   * A passage (a named young person, say) redacted from one part of an entered study, in every version of it:
   * part is 'title' or a section's index from 0. Records the passage's SHA-256 and length, never the passage:
   * the held texts are rewritten outside the log (see return-texts/appendix-texts.ts).
   */
  | {
      type: 'AppendixPassageRedacted';
      data: {
        appendixId: string;
        caseStudyId: string;
        part: 'title' | number;
        passageSha256: string;
        passageLength: number;
        reason: string;
        by: string;
      };
    };

/** A cycle's appendices are a stream of their own: editing them never contends with the cycle's lifecycle. */
export const appendicesStreamId = (cycleId: string) => `appendices:${cycleId}`;
