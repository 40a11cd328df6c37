import { SignOff, signOffOf } from '../cycle/sign-off.js';
import { ReturnContent } from './return-content.js';
import { ReturnEvent } from './return.events.js';

export interface ReturnFacts {
  returnId: string;
  cycleId: string;
  partnershipId: string;
  planId: string;
  measureRef: string;
  themeId: string;
  agencyId: string;
  dueDate: string;
  originalDueDate: string;
  /** The working copy: what the agency is writing or has submitted. */
  content: ReturnContent;
  /** One or two stages of sign-off, as the cycle chose when it was drafted. */
  signOff: SignOff;
  /**
   * The version the report shows, signed off (approved in a one-stage cycle, accepted in a two-stage one): it
   * stays while an amendment is being written, reviewed and accepted.
   */
  approved: { content: ReturnContent; by: string } | null;
  /** Two-stage cycles: the version a reviewer approved, waiting for a second person to accept it. */
  awaitingAcceptance: { content: ReturnContent; by: string } | null;
  sentBackReason: string | null;
  /** Why the second person returned the last approval to review; null once a reviewer decides again. */
  returnedToReviewReason: string | null;
  /**
   * Everyone who wrote this version since it was last signed off: none of them may approve it, nor accept it.
   * In a two-stage cycle the approval does not clear it: the accepter must be someone else again.
   */
  editors: string[];
  /**
   * Two-stage cycles: everyone who approved this version (a return to review keeps the content, so an earlier
   * approver of it is still one); none of them may accept it. Cleared when a new version is submitted.
   */
  approvers: string[];
  submittedLate: boolean | null;
}

/**
 * 'approved' is final in a one-stage cycle; in a two-stage cycle it means approved by a reviewer and awaiting
 * acceptance, and 'accepted' is final.
 */
export type ReturnStatus = 'requested' | 'draft' | 'submitted' | 'approved' | 'accepted' | 'withdrawn';

export type ReturnState = { status: 'none' } | ({ status: ReturnStatus } & ReturnFacts);
export type LiveReturnState = Exclude<ReturnState, { status: 'none' }>;

/**
 * Signed off (approved in a one-stage cycle, accepted in a two-stage one) or withdrawn: nothing more is waited
 * for. Anything else keeps a cycle from closing unforced.
 */
export const isResolved = (r: { status: ReturnStatus; signOff: SignOff }): boolean =>
  r.status === 'withdrawn' ||
  r.status === 'accepted' ||
  (r.status === 'approved' && r.signOff === 'one-stage');

/** Approved by a reviewer and waiting for the second stage: in review's hands no more, nor yet in the report. */
export const isAwaitingAcceptance = (r: { status: string; signOff: SignOff }): boolean =>
  r.status === 'approved' && r.signOff === 'two-stage';

export const initialReturn = (): ReturnState => ({ status: 'none' });

/** A return's events as read from its stream, folded into its state from the start. */
export function foldReturnEvents(events: readonly { type: string; data: unknown }[]): ReturnState {
  return events.reduce<ReturnState>(
    (s, e) => evolveReturn(s, { type: e.type, data: e.data } as ReturnEvent),
    initialReturn(),
  );
}

export function evolveReturn(state: ReturnState, event: ReturnEvent): ReturnState {
  if (event.type === 'ReturnRequested') {
    return {
      status: 'requested',
      ...event.data,
      signOff: signOffOf(event.data.signOff),
      originalDueDate: event.data.dueDate,
      content: {},
      approved: null,
      awaitingAcceptance: null,
      sentBackReason: null,
      returnedToReviewReason: null,
      editors: [],
      approvers: [],
      submittedLate: null,
    };
  }
  if (state.status === 'none') return state;
  const addEditor = (by: string) => (state.editors.includes(by) ? state.editors : [...state.editors, by]);
  switch (event.type) {
    case 'ReturnDraftSaved':
      return { ...state, status: 'draft', content: event.data.content, editors: addEditor(event.data.by) };
    case 'ReturnSubmitted':
      return {
        ...state,
        status: 'submitted',
        content: event.data.content,
        editors: addEditor(event.data.by),
        approvers: [],
        sentBackReason: null,
        submittedLate: state.submittedLate ?? event.data.late,
      };
    case 'ReturnApproved':
      if (state.signOff === 'two-stage')
        return {
          ...state,
          status: 'approved',
          awaitingAcceptance: { content: event.data.content, by: event.data.by },
          approvers: state.approvers.includes(event.data.by)
            ? state.approvers
            : [...state.approvers, event.data.by],
          returnedToReviewReason: null,
        };
      return {
        ...state,
        status: 'approved',
        approved: { content: event.data.content, by: event.data.by },
        editors: [],
      };
    case 'ReturnAccepted':
      return {
        ...state,
        status: 'accepted',
        approved: { content: event.data.content, by: event.data.by },
        awaitingAcceptance: null,
        editors: [],
        approvers: [],
      };
    case 'ReturnReturnedToReview':
      return {
        ...state,
        status: 'submitted',
        awaitingAcceptance: null,
        returnedToReviewReason: event.data.reason,
      };
    case 'ReturnSentBack':
      return { ...state, status: 'draft', sentBackReason: event.data.reason, returnedToReviewReason: null };
    case 'ReturnReopened':
      return {
        ...state,
        status: 'draft',
        content: state.approved?.content ?? state.content,
        sentBackReason: null,
        returnedToReviewReason: null,
      };
    case 'DeadlineExtended':
      return { ...state, dueDate: event.data.dueDate };
    case 'ReturnReassigned':
      return { ...state, agencyId: event.data.toAgencyId };
    case 'ReturnWithdrawn':
      return { ...state, status: 'withdrawn' };
    case 'PassageRedacted':
      // The texts themselves are rewritten where they are held; the state reads them as they now stand.
      return state;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
