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
  /** The version the report shows: it stays while an amendment is being written and reviewed. */
  approved: { content: ReturnContent; by: string } | null;
  sentBackReason: string | null;
  /** Everyone who wrote this version since it was last approved: none of them may approve it. */
  editors: string[];
  submittedLate: boolean | null;
}

export type ReturnStatus = 'requested' | 'draft' | 'submitted' | 'approved' | 'withdrawn';

export type ReturnState = { status: 'none' } | ({ status: ReturnStatus } & ReturnFacts);
export type LiveReturnState = Exclude<ReturnState, { status: 'none' }>;

/** Approved or withdrawn: nothing more is waited for. Anything else keeps a cycle from closing unforced. */
export const isResolved = (status: ReturnStatus): boolean => status === 'approved' || status === 'withdrawn';

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
      originalDueDate: event.data.dueDate,
      content: {},
      approved: null,
      sentBackReason: null,
      editors: [],
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
        sentBackReason: null,
        submittedLate: state.submittedLate ?? event.data.late,
      };
    case 'ReturnApproved':
      return {
        ...state,
        status: 'approved',
        approved: { content: event.data.content, by: event.data.by },
        editors: [],
      };
    case 'ReturnSentBack':
      return { ...state, status: 'draft', sentBackReason: event.data.reason };
    case 'ReturnReopened':
      return {
        ...state,
        status: 'draft',
        content: state.approved?.content ?? state.content,
        sentBackReason: null,
      };
    case 'DeadlineExtended':
      return { ...state, dueDate: event.data.dueDate };
    case 'ReturnReassigned':
      return { ...state, agencyId: event.data.toAgencyId };
    case 'ReturnWithdrawn':
      return { ...state, status: 'withdrawn' };
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
