import { WorkingCalendar } from '../calendar/working-days.js';
import { ChaseSnapshot } from '../chase-snapshot/chase-snapshot.js';
import { chaseRecipients } from './chase-recipients.js';
import { ChaseEvent } from './chase.events.js';
import { ChaseState } from './chase.state.js';
import { stillDue } from './still-due.js';

export type ChaseCommand =
  /** A step of the cycle's chase policy, named by its date: its kind is whatever the schedule says today. */
  | { type: 'ChaseScheduledStep'; agencyId: string; step: string }
  /** A chase the coordinator asked for, named `now-<version of its ChaseRequested>`. */
  | { type: 'ChaseOnRequest'; agencyId: string; step: string };

/** Everything a chase decision reads, loaded before deciding. */
export interface ChaseInputs {
  /** The cycle, its returns, partnership and plan as the events stood at one read. */
  snapshot: ChaseSnapshot;
  /** The agency's chase stream. */
  chase: ChaseState;
  /** The partnership's coordinators: an escalation goes to them too. */
  coordinators: readonly { email: string }[];
  calendar: WorkingCalendar;
}

/**
 * The rule of chasing one agency of a cycle: given what was loaded and the time, the events that record the
 * step (an AgencyChased naming the returns and to whom the mails go, and on escalation a ReturnEscalated), or
 * none when the step is already recorded or not due. Recording a step once is what makes every mail go once.
 */
export function decideChase(command: ChaseCommand, inputs: ChaseInputs, now: Date): ChaseEvent[] {
  switch (command.type) {
    case 'ChaseScheduledStep':
      return chaseStep(command, true, inputs, now);
    case 'ChaseOnRequest':
      return chaseStep(command, false, inputs, now);
    default: {
      const unhandled: never = command;
      throw new Error(`Unknown chase command ${JSON.stringify(unhandled)}`);
    }
  }
}

function chaseStep(
  { agencyId, step }: ChaseCommand,
  scheduled: boolean,
  { snapshot, chase, coordinators, calendar }: ChaseInputs,
  now: Date,
): ChaseEvent[] {
  if (chase.chasedSteps.has(step)) return [];
  const due = stillDue(snapshot, { agencyId, step, scheduled }, calendar, now);
  if (!due.due) return [];
  const { cycle, partnership } = due.snapshot;
  const agency = partnership.status === 'registered' ? partnership.agencies.get(agencyId) : undefined;
  if (!agency) return [];
  const { kind } = due;
  const recipients = chaseRecipients(agency, coordinators, kind === 'escalation');
  const returnIds = due.outstanding.map((r) => r.returnId);
  const chased: ChaseEvent = {
    type: 'AgencyChased',
    data: { cycleId: cycle.cycleId, agencyId, step, kind, returnIds, recipients },
  };
  if (kind !== 'escalation') return [chased];
  const to = recipients.filter((r) => r.role !== 'lead').map((r) => r.email);
  return [chased, { type: 'ReturnEscalated', data: { step, returnIds, to } }];
}
