import { ChasePolicy } from '../../../kernel/src/index.js';
import { addDays, addWorkingDays, CalendarDate, WorkingCalendar } from '../calendar/working-days.js';

/** reminder: before the due date; due: on it; overdue: after it; escalation: an overdue chase that also goes up. */
export type ChaseKind = 'reminder' | 'due' | 'overdue' | 'escalation';

export interface PlannedStep {
  date: CalendarDate;
  kind: ChaseKind;
  /** For reminders: how many working days before the due date. */
  workingDaysBefore?: number;
  /** For overdue chases and the escalation: 1 for the first overdue chase. */
  overdueChase?: number;
}

const URGENCY: Record<ChaseKind, number> = { reminder: 0, due: 1, overdue: 2, escalation: 3 };
export const moreUrgent = (a: ChaseKind, b: ChaseKind): ChaseKind => (URGENCY[a] >= URGENCY[b] ? a : b);

/** The last working day on or before `date`: a due date that falls on a weekend is chased the day before. */
function workingDayOnOrBefore(calendar: WorkingCalendar, date: CalendarDate): CalendarDate {
  let current = date;
  while (!calendar.isWorkingDay(current)) current = addDays(current, -1);
  return current;
}

/**
 * The chases planned for a return due on `dueDate`: the reminders, the due-date one, then overdue chases every
 * few working days for as long as it stays unsubmitted (here: the first `overdueChases` of them). The overdue
 * chase after the `escalateAfterOverdueChases`-th is the escalation. At most one step per date, the most urgent.
 */
export function plannedSteps(
  policy: ChasePolicy,
  dueDate: CalendarDate,
  calendar: WorkingCalendar,
  overdueChases = policy.escalateAfterOverdueChases + 2,
): PlannedStep[] {
  const steps = new Map<CalendarDate, PlannedStep>();
  const add = (step: PlannedStep) => {
    const existing = steps.get(step.date);
    if (!existing || moreUrgent(step.kind, existing.kind) === step.kind) steps.set(step.date, step);
  };
  const lastWorkingDay = workingDayOnOrBefore(calendar, dueDate);
  for (const n of policy.remindWorkingDaysBefore) {
    add({ date: addWorkingDays(calendar, dueDate, -n), kind: 'reminder', workingDaysBefore: n });
  }
  if (policy.onDueDate) add({ date: lastWorkingDay, kind: 'due' });
  for (let k = 1; k <= overdueChases; k++) {
    const date = addWorkingDays(calendar, dueDate, k * policy.overdueEveryWorkingDays);
    const kind = k === policy.escalateAfterOverdueChases + 1 ? 'escalation' : 'overdue';
    add({ date, kind, overdueChase: k });
  }
  return [...steps.values()].sort((a, b) => a.date.localeCompare(b.date));
}

/** Every planned step of a return up to and including `until`, however long it has been overdue. */
export function stepsThrough(
  policy: ChasePolicy,
  dueDate: CalendarDate,
  calendar: WorkingCalendar,
  until: CalendarDate,
): PlannedStep[] {
  let overdueChases = policy.escalateAfterOverdueChases + 2;
  for (;;) {
    const steps = plannedSteps(policy, dueDate, calendar, overdueChases);
    if (steps[steps.length - 1].date > until || overdueChases > 1000) {
      return steps.filter((s) => s.date <= until);
    }
    overdueChases *= 2;
  }
}

/**
 * stepsThrough as dueChase asks for it, remembered: every chase job and every digest asks again for the same few
 * (policy, due date, today) and walking the working days each time was a visible share of a chase run. Pure, so
 * remembering cannot change an answer; the arrays handed out are never changed by dueChase.
 */
const rememberedSteps = new WeakMap<WorkingCalendar, Map<string, readonly PlannedStep[]>>();
const REMEMBERED_STEPS = 10_000;

function stepsThroughRemembered(
  policy: ChasePolicy,
  dueDate: CalendarDate,
  calendar: WorkingCalendar,
  until: CalendarDate,
): readonly PlannedStep[] {
  let byKey = rememberedSteps.get(calendar);
  if (!byKey) rememberedSteps.set(calendar, (byKey = new Map()));
  const key = `${JSON.stringify(policy)}|${dueDate}|${until}`;
  let steps = byKey.get(key);
  if (!steps) {
    if (byKey.size >= REMEMBERED_STEPS) byKey.clear();
    steps = stepsThrough(policy, dueDate, calendar, until);
    byKey.set(key, steps);
  }
  return steps;
}

export interface OutstandingReturn {
  returnId: string;
  dueDate: CalendarDate;
}

export interface DueChase {
  /** The step's date: with the cycle and agency, it names the chase, so each step is sent once. */
  date: CalendarDate;
  kind: ChaseKind;
  returnIds: string[];
}

/** How far back a missed step is still sent (the worker or Redis was away); older ones are left behind. */
export const CATCH_UP_WORKING_DAYS = 2;

/**
 * The chase an agency is due today, if any: the latest step of any of its outstanding returns that falls on or
 * before today, after the cycle opened (the opening mail is the first word) and not more than a couple of
 * working days ago. One digest covers the agency's returns, so several returns' steps on a date are one chase.
 */
export function dueChase(
  policy: ChasePolicy,
  calendar: WorkingCalendar,
  today: CalendarDate,
  openedOn: CalendarDate,
  outstanding: OutstandingReturn[],
): DueChase | null {
  const oldest = addWorkingDays(calendar, today, -CATCH_UP_WORKING_DAYS);
  let best: DueChase | null = null;
  for (const r of outstanding) {
    const steps = stepsThroughRemembered(policy, r.dueDate, calendar, today).filter(
      (s) => s.date > openedOn && s.date >= oldest,
    );
    const latest = steps[steps.length - 1];
    if (!latest) continue;
    if (!best || latest.date > best.date) best = { date: latest.date, kind: latest.kind, returnIds: [] };
    else if (latest.date === best.date) best.kind = moreUrgent(best.kind, latest.kind);
  }
  if (!best) return null;
  const date = best.date;
  best.returnIds = outstanding
    .filter((r) => stepsThroughRemembered(policy, r.dueDate, calendar, date).some((s) => s.date === date))
    .map((r) => r.returnId);
  return best;
}
