import { ChaseKind } from '../schedule/chase-schedule.js';

/** Who a chase mail goes to, and in which capacity: the agency's leads, or (on escalation) those above them. */
export interface ChaseRecipient {
  email: string;
  role: 'lead' | 'senior' | 'coordinator';
}

/** A scheduled step of the policy, or one the coordinator asked for ("chase now"). */
export type ChaseStepKind = ChaseKind | 'now';

/**
 * Events of one agency's chase stream in one cycle, `chase:<cycleId>:<agencyId>`. The stream is also the ledger
 * that makes each mail go once: a mail is claimed at the stream's expected version before it is sent, so of two
 * workers racing only one claim is appended.
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

/** The mail ledger's events; reminders use the prefix "Reminder", other notices "Notification". */
export type LedgerEvent<P extends string> =
  | {
      type: `${P}Claimed`;
      data: { key: string; recipient: string; claimId: string; leaseUntil: string };
    }
  | { type: `${P}Sent`; data: { key: string; recipient: string; messageId: string } }
  | {
      type: `${P}DeliveryFailed`;
      data: {
        key: string;
        recipient: string;
        reason: string;
        responseCode: number | null;
        /** A permanent failure (SMTP 5xx) is never retried; a temporary one is, until attempts run out. */
        permanent: boolean;
        willRetry: boolean;
      };
    };

export const chaseStreamId = (cycleId: string, agencyId: string) => `chase:${cycleId}:${agencyId}`;
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
