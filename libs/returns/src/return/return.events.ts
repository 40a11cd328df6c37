import { SignOff } from '../cycle/sign-off.js';
import { ReturnContent } from './return-content.js';
import { RedactableField } from '../return-texts/return-text-fields.js';

export type ReturnEvent =
  | {
      type: 'ReturnRequested';
      data: {
        returnId: string;
        cycleId: string;
        partnershipId: string;
        planId: string;
        measureRef: string;
        themeId: string;
        agencyId: string;
        dueDate: string;
        /** The cycle's sign-off, copied so the return's own rules know it; absent before it existed (one stage). */
        signOff?: SignOff;
      };
    }
  | { type: 'ReturnDraftSaved'; data: { content: ReturnContent; by: string } }
  | { type: 'ReturnSubmitted'; data: { content: ReturnContent; by: string; late: boolean } }
  | { type: 'ReturnApproved'; data: { content: ReturnContent; by: string } }
  /** Two-stage cycles: the second person signed off the version the reviewer approved; the report shows it. */
  | { type: 'ReturnAccepted'; data: { content: ReturnContent; by: string } }
  /** Two-stage cycles: the second person did not accept; the return is submitted again for a reviewer. */
  | { type: 'ReturnReturnedToReview'; data: { reason: string; by: string } }
  | { type: 'ReturnSentBack'; data: { reason: string } }
  | { type: 'ReturnReopened'; data: { reason: string } }
  | { type: 'DeadlineExtended'; data: { dueDate: string; reason: string } }
  | { type: 'ReturnReassigned'; data: { fromAgencyId: string; toAgencyId: string; reason: string } }
  | { type: 'ReturnWithdrawn'; data: { reason: string } }
  /**
   * A coordinator redacted a passage from one free-text field, in every version of it: where, why, and the
   * passage's SHA-256 and length (to show what was taken, never the passage itself).
   */
  | {
      type: 'PassageRedacted';
      data: {
        field: RedactableField;
        passageSha256: string;
        passageLength: number;
        reason: string;
        by: string;
      };
    };

export type ReturnEventType = ReturnEvent['type'];

export const returnStreamId = (returnId: string) => `return:${returnId}`;
export const returnIdFor = (cycleId: string, measureRef: string) => `${cycleId}.${measureRef}`;
/** The cycle a return id names (cycle ids are slugs without dots), or null for an id not made by returnIdFor. */
export const cycleIdOf = (returnId: string): string | null => {
  const dot = returnId.indexOf('.');
  return dot > 0 ? returnId.slice(0, dot) : null;
};
