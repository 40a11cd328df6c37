import { PlanState } from '../../../plan/src/index.js';
import { AppendixState, IndicatorValue, Rag, ReturnContent } from '../../../returns/src/index.js';
import { UnreadablePart } from './readable-content.js';

export type AdoptedPlan = Extract<PlanState, { status: 'adopted' }>;

/** The version of a return the report shows: the last one approved, as readableApproval made it. */
export interface ApprovedVersion {
  content: ReturnContent;
  by: string;
  /** What of it could not be shown as stored (empty when all is well). */
  unreadable: UnreadablePart[];
  at: Date;
  /** The return's stream version at the approval. */
  version: number;
}

/** One return the cycle requested, as far as the report is concerned. */
export interface ReportedReturn {
  returnId: string;
  measureRef: string;
  themeId: string;
  agencyId: string;
  withdrawn: boolean;
  approved: ApprovedVersion | null;
}

/** One file on a requested return, as the report and its exports list it (never its bytes or its name). */
export interface ReportedEvidence {
  returnId: string;
  evidenceId: string;
  measureRef: string;
  agencyId: string;
  title: string;
  mediaType: string;
  extension: string;
  bytes: number;
  /** The coordinator chose to list it, by title, under the measure's return in the report. */
  inReport: boolean;
}

/** An earlier cycle of the same plan, with the approved RAG of each measure it rated. */
export interface PastCycle {
  cycleId: string;
  label: string;
  periodStart: string;
  periodEnd: string;
  ratings: Map<string, Rag>;
  /** The approved indicator values of each measure that gave any (absent: none known). */
  values?: Map<string, IndicatorValue[]>;
}

/**
 * Everything a report is made from. Two sources fill it: the reporting read model (the report now) and the
 * events up to an instant (the report as it stood then); the same pure function turns either into the report.
 */
export interface ReportInput {
  cycle: {
    cycleId: string;
    partnershipId: string;
    planId: string;
    label: string;
    periodStart: string;
    periodEnd: string;
    status: string;
    /** The coordinator's own title and year heading for the report; the defaults when absent. */
    reportTitle?: string | null;
    yearHeading?: string | null;
    /** The coordinator's own opening sentence; the default when absent. */
    introduction?: string | null;
  };
  partnershipName: string;
  agencyNames: Map<string, string>;
  plan: AdoptedPlan;
  returns: ReportedReturn[];
  /** Earlier cycles of the plan, oldest first. */
  pastCycles: PastCycle[];
  /** The appendices the coordinator made for the cycle, in order; none (or absent) keeps Appendix 1 by theme. */
  appendices?: AppendixState[];
  /** The files on the cycle's returns, in the order they were attached; none (or absent) lists none. */
  evidence?: ReportedEvidence[];
  asAt: Date | null;
}
