import { StoredEvent } from '../../../event-store/src/index.js';
import { ReturnEvent, foldReturnEvents, ReturnState } from '../../../returns/src/index.js';
import { readableApproval, textOrEmpty } from '../cycle-report/readable-content.js';

/** A return's row of report_requested_returns: every return a cycle asked for. */
export interface RequestedReturnRow {
  returnId: string;
  cycleId: string;
  partnershipId: string;
  measureRef: string;
  themeId: string;
  agencyId: string;
  withdrawn: boolean;
}

/** A return's row of report_returns: its last signed-off version (approved, or accepted in two stages). */
export interface ApprovedReturnRow {
  returnId: string;
  cycleId: string;
  partnershipId: string;
  planId: string;
  measureRef: string;
  themeId: string;
  agencyId: string;
  rag: string | null;
  narrative: string | null;
  dot: string | null;
  comments: string | null;
  /** JSON text, as the jsonb column takes it. */
  tables: string;
  caseStudies: string;
  /** JSON text: the parts readableApproval could not read, which the report marks. */
  unreadable: string;
  /** JSON text of the indicator values, or null for a return that gave none (the key absent). */
  indicators: string | null;
  approvedBy: string;
  approvedAt: Date;
  streamVersion: number;
  eventPosition: number;
}

export interface ReportedReturn {
  requested: RequestedReturnRow;
  /** Null until the return has ever been approved. */
  approved: ApprovedReturnRow | null;
}

/**
 * A return's stream folded, beside the event of its last sign-off: the report shows that version, with the
 * sign-off's time and stream version (both report sources, the read model and the events as at, start here).
 * The sign-off is the approval in a one-stage cycle and the acceptance in a two-stage one, where an approval
 * still waiting to be accepted is not yet in the report.
 */
export function foldWithLastApproval(events: readonly StoredEvent<ReturnEvent>[]): {
  state: ReturnState;
  approval: StoredEvent<ReturnEvent> | null;
} {
  const state = foldReturnEvents(events);
  const signOff =
    state.status !== 'none' && state.signOff === 'two-stage' ? 'ReturnAccepted' : 'ReturnApproved';
  return { state, approval: events.findLast((e) => e.type === signOff) ?? null };
}

/**
 * What the report shows of one return, folded from its whole stream: null for a stream that never requested
 * a return. An amendment being written or reviewed changes neither row, so a reopened return keeps showing its
 * approved version until the next approval. The approved version goes through readableApproval, as the report
 * from the events does: whatever the log holds, the rows can be written and the report marks what was unreadable.
 */
export function reportedReturn(events: readonly StoredEvent<ReturnEvent>[]): ReportedReturn | null {
  const { state, approval } = foldWithLastApproval(events);
  if (state.status === 'none') return null;
  const identity = {
    returnId: textOrEmpty(state.returnId),
    cycleId: textOrEmpty(state.cycleId),
    partnershipId: textOrEmpty(state.partnershipId),
    measureRef: textOrEmpty(state.measureRef),
    themeId: textOrEmpty(state.themeId),
    agencyId: textOrEmpty(state.agencyId),
  };
  const requested: RequestedReturnRow = { ...identity, withdrawn: state.status === 'withdrawn' };
  if (!state.approved || !approval) return { requested, approved: null };
  const { content, by, unreadable } = readableApproval(state.approved);
  return {
    requested,
    approved: {
      ...identity,
      planId: textOrEmpty(state.planId),
      rag: content.rag ?? null,
      narrative: content.narrative ?? null,
      dot: content.dot ?? null,
      comments: content.comments ?? null,
      tables: JSON.stringify(content.tables ?? []),
      caseStudies: JSON.stringify(content.caseStudies ?? []),
      unreadable: JSON.stringify(unreadable),
      indicators: content.indicators ? JSON.stringify(content.indicators) : null,
      approvedBy: by,
      approvedAt: approval.recordedAt,
      streamVersion: approval.version,
      eventPosition: approval.globalPosition,
    },
  };
}
