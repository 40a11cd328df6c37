import { LiveReturnState } from '../../../returns/src/index.js';
import { WorkingCalendar } from '../calendar/working-days.js';
import { decideChase } from '../chase/chase.decide.js';
import { ChaseEvent } from '../chase/chase.events.js';
import { foldChaseEvents } from '../chase/chase.state.js';
import { stillDue } from '../chase/still-due.js';
import { ChaseSnapshot } from '../chase-snapshot/chase-snapshot.js';
import { escalationMailsSoFar, LoggedEvent } from './escalation-mails.js';

/**
 * How long a coordinator's escalation mail waits, after the step's first agency was recorded, for the others the
 * same rule says are due at the step: a scan records a cycle's agencies 100 to a job, each job its own commit, so
 * the mail could otherwise go with the first hundred and leave the rest out of it for good.
 */
export const ESCALATION_GATHER_MS = 10 * 60_000;
/** How soon to look again while agencies due at the step are still being recorded. */
export const ESCALATION_LOOK_AGAIN_MS = 1_000;

export interface EscalationMailInputs {
  snapshot: ChaseSnapshot;
  /** The chase stream of each agency of the cycle (its partnership's and its returns'), whole. */
  chases: ReadonlyMap<string, readonly (LoggedEvent & { version: number })[]>;
  /** The cycle's `escalations:` ledger stream: the coordinators' escalation mails so far, and whom they named. */
  ledger: readonly LoggedEvent[];
  calendar: WorkingCalendar;
}

export type EscalationMailDecision =
  | {
      type: 'send';
      /** The agencies escalated at the step, not named by an earlier mail, that still owe returns, with those. */
      agencies: { agencyId: string; outstanding: LiveReturnState[] }[];
      /** Which of the step's mails this is: 1, or a later one for agencies escalated after the first went. */
      batch: number;
      snapshot: Extract<ChaseSnapshot, { opened: true }>;
    }
  /** Agencies due at the step are not all recorded yet: look again then (business clock). */
  | { type: 'wait'; until: Date }
  | { type: 'not-due'; why: string };

type AgencyChased = Extract<ChaseEvent, { type: 'AgencyChased' }>['data'];

const sameEmail = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * A coordinator's mail of an escalation step of a cycle: the agencies whose AgencyChased at the step names them
 * as a coordinator, that no earlier mail of the step named, and that still owe a return as the events stand now
 * (stillDue, the rule each agency's own mails ask just before they go). While another agency is due an escalation
 * at the step by decideChase (the rule that records it) and not recorded yet, the mail waits for it, up to
 * ESCALATION_GATHER_MS after the first of those it would name. An agency escalated at the step after its mail went
 * (a scan's later job ran after the wait) is named in a follow-up, never left out and never named twice.
 */
export function decideEscalationMail(
  mail: { step: string; recipient: string },
  { snapshot, chases, ledger, calendar }: EscalationMailInputs,
  now: Date,
): EscalationMailDecision {
  if (!snapshot.opened || snapshot.cycle.status !== 'open') {
    return { type: 'not-due', why: `cycle ${snapshot.cycle.status}` };
  }
  const escalated = new Map<string, LoggedEvent>();
  const pending: string[] = [];
  for (const [agencyId, events] of chases) {
    const chased = events.find(
      (e) => e.type === 'AgencyChased' && (e.data as AgencyChased).step === mail.step,
    );
    if (chased) {
      const data = chased.data as AgencyChased;
      const names = data.recipients.some(
        (r) => r.role === 'coordinator' && sameEmail(r.email, mail.recipient),
      );
      if (data.kind === 'escalation' && names) escalated.set(agencyId, chased);
      continue;
    }
    const due = decideChase(
      { type: 'ChaseScheduledStep', agencyId, step: mail.step },
      { snapshot, chase: foldChaseEvents(events), coordinators: [{ email: mail.recipient }], calendar },
      now,
    );
    if (due.some((e) => e.type === 'AgencyChased' && e.data.kind === 'escalation')) pending.push(agencyId);
  }
  if (escalated.size === 0) return { type: 'not-due', why: 'no such escalation' };
  const { batch, told } = escalationMailsSoFar(ledger, mail, escalated);
  const untold = [...escalated].filter(([agencyId]) => !told.has(agencyId));
  if (untold.length === 0) return { type: 'not-due', why: 'every agency escalated at the step told already' };
  const first = Math.min(...untold.map(([, e]) => e.recordedAt.getTime()));
  if (pending.length > 0 && now.getTime() < first + ESCALATION_GATHER_MS) {
    return { type: 'wait', until: new Date(now.getTime() + ESCALATION_LOOK_AGAIN_MS) };
  }
  const agencies: { agencyId: string; outstanding: LiveReturnState[] }[] = [];
  let opened: Extract<ChaseSnapshot, { opened: true }> | null = null;
  for (const [agencyId] of untold) {
    const due = stillDue(snapshot, { agencyId, step: mail.step, scheduled: true }, calendar, now);
    if (!due.due) continue;
    opened = due.snapshot;
    agencies.push({ agencyId, outstanding: due.outstanding });
  }
  if (!opened) return { type: 'not-due', why: 'no longer due' };
  return { type: 'send', agencies, batch, snapshot: opened };
}
