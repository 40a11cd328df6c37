import { LiveReturnState } from '../../../returns/src/index.js';
import { localTime } from '../calendar/send-window.js';
import { WorkingCalendar } from '../calendar/working-days.js';
import { ChaseSnapshot } from '../chase-snapshot/chase-snapshot.js';
import { isOutstanding, policyOf } from '../cycle-returns.js';
import { dueChase } from '../schedule/chase-schedule.js';
import { ChaseStepKind } from './chase.events.js';

/** One agency's step of a cycle: a scheduled step (its date) or one the coordinator asked for (`now-<version>`). */
export interface ChaseStep {
  agencyId: string;
  step: string;
  scheduled: boolean;
}

export type StillDue =
  | {
      due: true;
      /** The kind the step is due as: for a scheduled step, as the schedule says today. */
      kind: ChaseStepKind;
      /** The agency's returns the chase is about: those not yet submitted. */
      outstanding: LiveReturnState[];
      snapshot: Extract<ChaseSnapshot, { opened: true }>;
    }
  | { due: false; why: string };

/**
 * Whether a step is still due for an agency, as the events stand `now`: the one definition, asked when the step is
 * recorded and again by the mail sender just before each mail goes. The cycle must still be open and the agency
 * must still owe a return (one submitted, approved, withdrawn or reassigned away since stops it). A scheduled step
 * must be the one the schedule gives for today: an extension moves the steps, so a step it moved away from is no
 * longer due. A chase the coordinator asked for is due for as long as something is outstanding.
 */
export function stillDue(
  snapshot: ChaseSnapshot,
  chase: ChaseStep,
  calendar: WorkingCalendar,
  now: Date,
): StillDue {
  if (!snapshot.opened || snapshot.cycle.status !== 'open') {
    return { due: false, why: `cycle ${snapshot.cycle.status}` };
  }
  const outstanding = snapshot.returns.filter((r) => r.agencyId === chase.agencyId && isOutstanding(r));
  if (outstanding.length === 0) return { due: false, why: 'nothing outstanding' };
  if (!chase.scheduled) return { due: true, kind: 'now', outstanding, snapshot };
  const policy = policyOf(snapshot.cycle);
  const tz = policy.sendWindow.timeZone;
  const due = dueChase(
    policy,
    calendar,
    localTime(now, tz).date,
    localTime(new Date(snapshot.cycle.openedAt), tz).date,
    outstanding.map((r) => ({ returnId: r.returnId, dueDate: r.dueDate })),
  );
  if (!due || due.date !== chase.step) return { due: false, why: 'no longer due' };
  return { due: true, kind: due.kind, outstanding, snapshot };
}
