import { LedgerEvent } from '../../../mail/src/index.js';
import { ChaseKind } from '../schedule/chase-schedule.js';

/** Who a chase mail goes to, and in which capacity: the agency's leads, or (on escalation) those above them. */
export interface ChaseRecipient {
  email: string;
  role: 'lead' | 'senior' | 'coordinator';
}

/** A scheduled step of the policy, or one the coordinator asked for ("chase now"). */
export type ChaseStepKind = ChaseKind | 'now';

/**
 * Events of one agency's chase stream in one cycle, `chase:<cycleId>:<agencyId>`. The stream also holds the mail
 * ledger's Reminder events (libs/mail): each chase mail claimed, sent or failed.
 */
export type ChaseEvent =
  | { type: 'ChaseRequested'; data: { cycleId: string; agencyId: string } }
  | {
      type: 'AgencyChased';
      data: {
        cycleId: string;
        agencyId: string;
        /** The step's name: its date for a scheduled step, `now-<version>` for a chase the coordinator asked for. */
        step: string;
        kind: ChaseStepKind;
        returnIds: string[];
        recipients: ChaseRecipient[];
      };
    }
  | { type: 'ReturnEscalated'; data: { step: string; returnIds: string[]; to: string[] } }
  | LedgerEvent<'Reminder'>;

export const chaseStreamId = (cycleId: string, agencyId: string) => `chase:${cycleId}:${agencyId}`;
/**
 * A cycle's stream of the coordinators' escalation mails: the mail ledger's Reminder events of each coordinator's
 * one mail per escalation step (key: the step), which lists every agency escalated at it.
 */
export const escalationStreamId = (cycleId: string) => `escalations:${cycleId}`;
/** A return's stream of the mail ledger's Notification events: review notices claimed, sent or failed. */
export const notificationStreamId = (returnId: string) => `notifications:${returnId}`;

/** A stored chase event whose data is typed by its type. */
export type StoredChaseEvent = ChaseEvent & {
  version: number;
  recordedAt: Date;
  metadata: { actorId: string; actorRole: string };
};

export function asChaseEvents(
  events: {
    type: string;
    data: unknown;
    version: number;
    recordedAt: Date;
    metadata: StoredChaseEvent['metadata'];
  }[],
): StoredChaseEvent[] {
  return events.map((e) => ({ ...e }) as StoredChaseEvent);
}
