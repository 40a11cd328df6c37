import { StoredEvent } from '../../../event-store/src/index.js';
import { ReturnEvent } from '../return/return.events.js';
import { evolveReturn, initialReturn, ReturnState } from '../return/return.state.js';

export interface ReturnHistoryEntry {
  version: number;
  type: string;
  at: string;
  actorId: string;
  actorRole: string;
  reason: string | null;
  data: unknown;
}

export interface ReturnView {
  returnId: string;
  partnershipId: string;
  version: number;
  status: string;
  cycleId: string;
  measureRef: string;
  themeId: string;
  agencyId: string;
  dueDate: string;
  originalDueDate: string;
  overdue: boolean;
  content: ReturnState extends infer S ? (S extends { content: infer C } ? C : never) : never;
  approved: { content: unknown; by: string } | null;
  sentBackReason: string | null;
  history?: ReturnHistoryEntry[];
}

/** A return as people read it: its state folded from its events, and (on request) the story of how it got there. */
export function toReturnView(
  events: StoredEvent<ReturnEvent>[],
  now: Date,
  withHistory: boolean,
): ReturnView | null {
  const state = events.reduce<ReturnState>(
    (s, e) => evolveReturn(s, { type: e.type, data: e.data } as ReturnEvent),
    initialReturn(),
  );
  if (state.status === 'none') return null;
  const unresolved = state.status === 'requested' || state.status === 'draft';
  return {
    returnId: state.returnId,
    partnershipId: state.partnershipId,
    version: events[events.length - 1].version,
    status: state.status,
    cycleId: state.cycleId,
    measureRef: state.measureRef,
    themeId: state.themeId,
    agencyId: state.agencyId,
    dueDate: state.dueDate,
    originalDueDate: state.originalDueDate,
    overdue: unresolved && now.toISOString().slice(0, 10) > state.dueDate,
    content: state.content,
    approved: state.approved,
    sentBackReason: state.sentBackReason,
    ...(withHistory
      ? {
          history: events.map((e) => ({
            version: e.version,
            type: e.type,
            at: e.recordedAt.toISOString(),
            actorId: e.metadata.actorId,
            actorRole: e.metadata.actorRole,
            reason: e.metadata.reason ?? null,
            data: e.data,
          })),
        }
      : {}),
  };
}
