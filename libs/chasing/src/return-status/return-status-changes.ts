import { StoredEvent } from '../../../event-store/src/index.js';
import { DEFAULT_CHASE_POLICY } from '../../../kernel/src/index.js';
import { stepOfEscalationKey } from '../escalation-mail/escalation-mails.js';

/**
 * What one event does to the return-status tables, one kind per statement shape. Consecutive changes of one kind
 * are written together (see writeReturnStatusChanges), so each kind also says how two of them for the same row
 * combine into the one that leaves the same row.
 */
export type ReturnStatusChange =
  | { kind: 'cycle-drafted'; cycleId: unknown; partnershipId: unknown; policy: string }
  /** openedAt is present only for CycleOpened, which sets it. */
  | { kind: 'cycle-status'; cycleId: string; status: 'open' | 'closed'; openedAt?: unknown }
  | {
      kind: 'return-requested';
      returnId: unknown;
      cycleId: unknown;
      agencyId: unknown;
      themeId: unknown;
      measureRef: unknown;
      dueDate: unknown;
    }
  /** Only the fields present are set; the row is updated only if it exists. */
  | { kind: 'return-update'; returnId: string; status?: string; dueDate?: unknown; agencyId?: unknown }
  | { kind: 'chase-requested'; cycleId: string; agencyId: string; step: string }
  | {
      kind: 'agency-chased';
      cycleId: string;
      agencyId: string;
      step: unknown;
      stepKind: unknown;
      recipients: { email: unknown; role: unknown }[];
    }
  /**
   * A coordinator's escalation mail of a step: its outcome is that of every agency it names (`agencies`, JSON), or,
   * for a mail of an earlier release that names none, of every agency escalated at the step so far.
   */
  | {
      kind: 'escalation-outcome';
      cycleId: string;
      /** The mail's ledger key: the step, or `<step>#<n>` for a follow-up. */
      key: unknown;
      step: unknown;
      agencies: string | null;
      recipient: unknown;
      state: string;
      messageId: unknown;
      reason: unknown;
    }
  | {
      kind: 'mail-outcome';
      cycleId: string;
      agencyId: string;
      step: unknown;
      recipient: unknown;
      state: string;
      messageId: unknown;
      reason: unknown;
    };

const RETURN_STATES: Record<string, string> = {
  ReturnDraftSaved: 'draft',
  ReturnSubmitted: 'submitted',
  ReturnApproved: 'approved',
  ReturnAccepted: 'accepted',
  ReturnReturnedToReview: 'submitted',
  ReturnSentBack: 'draft',
  ReturnReopened: 'draft',
  ReturnWithdrawn: 'withdrawn',
};

/** chase:<cycleId>:<agencyId>; neither id contains a colon. */
function chaseStream(streamId: string): { cycleId: string; agencyId: string } {
  const [, cycleId, agencyId] = streamId.split(':');
  return { cycleId, agencyId };
}

/** The change an event makes to the return-status model, or null for an event it ignores. */
export function returnStatusChangeOf(event: StoredEvent): ReturnStatusChange | null {
  const d = event.data as Record<string, unknown>;
  const id = event.streamId.slice(event.streamId.indexOf(':') + 1);
  switch (event.type) {
    case 'CycleDrafted':
      return {
        kind: 'cycle-drafted',
        cycleId: d.cycleId,
        partnershipId: d.partnershipId,
        policy: JSON.stringify(d.chasePolicy ?? DEFAULT_CHASE_POLICY),
      };
    case 'CycleOpened':
      return { kind: 'cycle-status', cycleId: id, status: 'open', openedAt: d.openedAt };
    case 'CycleClosed':
    case 'ReportPublished':
      return { kind: 'cycle-status', cycleId: id, status: 'closed' };
    case 'ReturnRequested':
      return {
        kind: 'return-requested',
        returnId: d.returnId,
        cycleId: d.cycleId,
        agencyId: d.agencyId,
        themeId: d.themeId,
        measureRef: d.measureRef,
        dueDate: d.dueDate,
      };
    case 'DeadlineExtended':
      return { kind: 'return-update', returnId: id, dueDate: d.dueDate };
    case 'ReturnReassigned':
      return { kind: 'return-update', returnId: id, agencyId: d.toAgencyId };
    case 'ChaseRequested':
      return { kind: 'chase-requested', ...chaseStream(event.streamId), step: `now-${event.version}` };
    case 'AgencyChased':
      return {
        kind: 'agency-chased',
        ...chaseStream(event.streamId),
        step: d.step,
        stepKind: d.kind,
        recipients: d.recipients as { email: unknown; role: unknown }[],
      };
    case 'ReminderClaimed':
    case 'ReminderSent':
    case 'ReminderDeliveryFailed':
      return {
        ...(event.streamId.startsWith('escalations:')
          ? {
              kind: 'escalation-outcome' as const,
              cycleId: id,
              key: d.key,
              agencies: Array.isArray(d.covers) ? JSON.stringify(d.covers) : null,
            }
          : { kind: 'mail-outcome' as const, ...chaseStream(event.streamId) }),
        step: event.streamId.startsWith('escalations:') ? stepOfEscalationKey(String(d.key)) : d.key,
        recipient: d.recipient,
        state:
          event.type === 'ReminderClaimed'
            ? 'claimed'
            : event.type === 'ReminderSent'
              ? 'sent'
              : d.willRetry
                ? 'retrying'
                : 'failed',
        messageId: d.messageId ?? null,
        reason: d.reason ?? null,
      };
    default:
      return RETURN_STATES[event.type]
        ? { kind: 'return-update', returnId: id, status: RETURN_STATES[event.type] }
        : null;
  }
}
