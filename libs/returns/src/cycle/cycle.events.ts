import { ChasePolicy } from '../../../kernel/src/index.js';
import { SignOff } from './sign-off.js';

export interface RequestedReturn {
  returnId: string;
  measureRef: string;
  themeId: string;
  agencyId: string;
}

export type CycleEvent =
  | {
      type: 'CycleDrafted';
      data: {
        cycleId: string;
        partnershipId: string;
        planId: string;
        label: string;
        periodStart: string;
        periodEnd: string;
        dueDate: string;
        /** How overdue agencies are chased; cycles drafted before chasing existed have none (the defaults). */
        chasePolicy?: ChasePolicy;
        /** The report's title and year heading when the coordinator set their own; absent for the defaults. */
        reportTitle?: string;
        yearHeading?: string;
        /** One or two stages of sign-off; cycles drafted before the choice existed have none (one stage). */
        signOff?: SignOff;
      };
    }
  | {
      /** The coordinator set (or, with null, went back to the default for) the report's title and year heading. */
      type: 'ReportHeadingsSet';
      data: { reportTitle: string | null; yearHeading: string | null; introduction?: string };
    }
  | {
      /**
       * A past period recorded from an old report or spreadsheet: the cycle is opened and closed in the same
       * transaction, and no link is issued, so it owes no mail and is never chased.
       */
      type: 'CycleRecordedFromHistory';
      data: { source: HistoricalSource; recordedBy: string; returnCount: number };
    }
  | { type: 'CycleOpened'; data: { openedAt: string; returns: RequestedReturn[] } }
  | { type: 'CycleClosed'; data: { forced: boolean; reason: string | null; unresolvedReturnIds: string[] } }
  | {
      type: 'ReportPublished';
      data: {
        contentHash: string;
        publishedAt: string;
        /** Whether the publication prints when each measure was last updated; absent before it could choose. */
        lastUpdatedDates?: boolean;
      };
    }
  | { type: 'SubmissionLinkIssued'; data: IssuedLink }
  | { type: 'SubmissionLinkRevoked'; data: { linkId: string; reason: string } }
  | { type: 'SubmissionLinkUsed'; data: { linkId: string } }
  | {
      /**
       * A coordinator took a passage out of the reasons given on the cycle (a forced close's, each revoked link's),
       * held in return_texts: the event keeps why, by whom, and the passage's SHA-256 and length, never the passage.
       */
      type: 'CyclePassageRedacted';
      data: { field: 'reasons'; passageSha256: string; passageLength: number; reason: string; by: string };
    };

/** The file a historical cycle was recorded from; the hash refuses a second recording of the same file. */
export interface HistoricalSource {
  kind: 'json' | 'xlsx';
  fileName: string;
  sha256: string;
}

/** One agency contact's link for the cycle. The token itself is never stored: only its SHA-256. */
export interface IssuedLink {
  linkId: string;
  agencyId: string;
  contactEmail: string;
  tokenHash: string;
  /**
   * A link the contact asked for themselves (from the start page, by typing their email) works once and only
   * until this instant: anyone can ask for one in a contact's name, so it must not be a lasting key.
   */
  expiresAt?: string;
  singleUse?: boolean;
}

export const cycleStreamId = (cycleId: string) => `cycle:${cycleId}`;
