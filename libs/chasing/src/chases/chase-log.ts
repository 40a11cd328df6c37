import { mailKey } from '../../../mail/src/index.js';
import { StoredChaseEvent } from '../chase/chase.events.js';

export interface RecipientView {
  email: string;
  role: string;
  state: 'pending' | 'claimed' | 'sent' | 'retrying' | 'failed';
  messageId: string | null;
  reason: string | null;
  responseCode: number | null;
  at: string | null;
}

export interface ChaseView {
  agencyId: string;
  step: string;
  kind: string;
  at: string;
  /** Who asked for it: the coordinator's id for "chase now", `schedule` for a step of the policy. */
  by: string;
  recipients: RecipientView[];
}

/**
 * One agency's chases, folded from its chase stream: each step with what became of each of its mails (the
 * mail ledger's Reminder events, matched by step and recipient). A chase asked for but not yet carried out is
 * listed with no recipients; it is dated when it was asked for, as is the step that carries it out.
 */
export function agencyChases(agencyId: string, events: StoredChaseEvent[]): ChaseView[] {
  const mails = new Map<string, RecipientView>();
  const requested = new Map<string, { at: string; by: string }>();
  const chases: ChaseView[] = [];
  for (const e of events) {
    switch (e.type) {
      case 'ChaseRequested':
        requested.set(`now-${e.version}`, { at: e.recordedAt.toISOString(), by: e.metadata.actorId });
        break;
      case 'AgencyChased': {
        const recipients = e.data.recipients.map((r) => {
          const view = pending(r.email, r.role);
          mails.set(mailKey(e.data.step, r.email), view);
          return view;
        });
        const asked = requested.get(e.data.step);
        requested.delete(e.data.step);
        chases.push({
          agencyId,
          step: e.data.step,
          kind: e.data.kind,
          at: asked?.at ?? e.recordedAt.toISOString(),
          by: asked?.by ?? 'schedule',
          recipients,
        });
        break;
      }
      case 'ReminderClaimed':
      case 'ReminderSent':
      case 'ReminderDeliveryFailed': {
        const view = mails.get(mailKey(e.data.key, e.data.recipient));
        if (view) Object.assign(view, mailOutcome(e), { at: e.recordedAt.toISOString() });
        break;
      }
    }
  }
  for (const [step, asked] of requested)
    chases.push({ agencyId, step, kind: 'now', ...asked, recipients: [] });
  return chases;
}

/** Every agency's chases in a cycle, oldest first (then by agency). */
export function chaseLog(streams: { agencyId: string; events: StoredChaseEvent[] }[]): ChaseView[] {
  return streams
    .flatMap(({ agencyId, events }) => agencyChases(agencyId, events))
    .sort((a, b) => a.at.localeCompare(b.at) || a.agencyId.localeCompare(b.agencyId));
}

export interface ChaseMailCounts {
  sent: number;
  failed: number;
  /** When a coordinator was last told of the agency's escalation (their mail naming it went), if ever. */
  escalatedToCoordinator: string | null;
}

/**
 * How many of an agency's chase mails went, and how many failed for good (a retry may still send it), read from
 * its chase log: so a coordinator's escalation mail counts for each agency it names, as it did when it was a mail
 * per agency (the log is given with the cycle's escalation mails merged in, see CycleChases).
 */
export function chaseMailCounts(agencyId: string, events: StoredChaseEvent[]): ChaseMailCounts {
  const chases = agencyChases(agencyId, events);
  const recipients = chases.flatMap((c) => c.recipients);
  const told = chases
    .filter((c) => c.kind === 'escalation')
    .flatMap((c) => c.recipients.filter((r) => r.role === 'coordinator' && r.state === 'sent'))
    .map((r) => r.at ?? '')
    .sort();
  return {
    sent: recipients.filter((r) => r.state === 'sent').length,
    failed: recipients.filter((r) => r.state === 'failed').length,
    escalatedToCoordinator: told.length > 0 ? told[told.length - 1] : null,
  };
}

function pending(email: string, role: string): RecipientView {
  return { email, role, state: 'pending', messageId: null, reason: null, responseCode: null, at: null };
}

type MailEvent = Extract<
  StoredChaseEvent,
  { type: 'ReminderClaimed' | 'ReminderSent' | 'ReminderDeliveryFailed' }
>;

function mailOutcome(e: MailEvent): Partial<RecipientView> {
  switch (e.type) {
    case 'ReminderClaimed':
      return { state: 'claimed' };
    case 'ReminderSent':
      return { state: 'sent', messageId: e.data.messageId, reason: null };
    case 'ReminderDeliveryFailed':
      return {
        state: e.data.willRetry ? 'retrying' : 'failed',
        reason: e.data.reason,
        responseCode: e.data.responseCode,
      };
  }
}
