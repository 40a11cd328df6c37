import { DomainError } from './domain-error.js';

/**
 * How a cycle chases the agencies that have not yet submitted. Chosen when the cycle is drafted and stored in
 * its CycleDrafted event, so a later change of the defaults never changes a cycle already running.
 */
export interface ChasePolicy {
  /** Reminders this many working days before the due date, e.g. [10, 3]. */
  remindWorkingDaysBefore: number[];
  /** A reminder on the due date itself. */
  onDueDate: boolean;
  /** While overdue, a chase every this many working days after the due date. */
  overdueEveryWorkingDays: number;
  /** After this many overdue chases, the next one also goes to the coordinators and the senior contact. */
  escalateAfterOverdueChases: number;
  /** Mail goes out only between these local times ("HH:MM") on working days. */
  sendWindow: { from: string; to: string; timeZone: string };
}

export const DEFAULT_CHASE_POLICY: ChasePolicy = Object.freeze({
  remindWorkingDaysBefore: [10, 3],
  onDueDate: true,
  overdueEveryWorkingDays: 5,
  escalateAfterOverdueChases: 2,
  sendWindow: { from: '09:00', to: '17:00', timeZone: 'Europe/London' },
}) as ChasePolicy;

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The policy a cycle is drafted with: the defaults for whatever was not given, checked field by field. */
export function resolveChasePolicy(given: Partial<ChasePolicy> | undefined): ChasePolicy {
  const invalid = (field: string, message: string) =>
    new DomainError(
      'invalid-chase-policy',
      message,
      'unprocessable',
      field ? `chasePolicy.${field}` : 'chasePolicy',
    );
  // Shapes first: whatever reaches the event must be what a ChasePolicy is, not merely truthy.
  if (given !== undefined && !isPlainObject(given)) throw invalid('', 'The chase policy must be an object');
  if (given?.sendWindow !== undefined && !isPlainObject(given.sendWindow))
    throw invalid('sendWindow', 'The send window must be an object');
  if (given?.remindWorkingDaysBefore !== undefined && !Array.isArray(given.remindWorkingDaysBefore))
    throw invalid('remindWorkingDaysBefore', 'Reminders are a list of working days');
  if (given?.onDueDate !== undefined && typeof given.onDueDate !== 'boolean')
    throw invalid('onDueDate', 'onDueDate is true or false');
  // Parts left out may arrive as keys holding undefined (DTO class fields): they take the default too.
  const givenWindow = Object.fromEntries(
    Object.entries(given?.sendWindow ?? {}).filter(([, value]) => value !== undefined),
  );
  const window = { ...DEFAULT_CHASE_POLICY.sendWindow, ...givenWindow };
  const policy: ChasePolicy = {
    remindWorkingDaysBefore: [
      ...new Set(given?.remindWorkingDaysBefore ?? DEFAULT_CHASE_POLICY.remindWorkingDaysBefore),
    ].sort((a, b) => b - a),
    onDueDate: given?.onDueDate ?? DEFAULT_CHASE_POLICY.onDueDate,
    overdueEveryWorkingDays: given?.overdueEveryWorkingDays ?? DEFAULT_CHASE_POLICY.overdueEveryWorkingDays,
    escalateAfterOverdueChases:
      given?.escalateAfterOverdueChases ?? DEFAULT_CHASE_POLICY.escalateAfterOverdueChases,
    sendWindow: window,
  };
  if (!policy.remindWorkingDaysBefore.every((n) => isIntegerIn(n, 1, 60))) {
    throw invalid('remindWorkingDaysBefore', 'Reminders are whole numbers of working days from 1 to 60');
  }
  if (!isIntegerIn(policy.overdueEveryWorkingDays, 1, 60)) {
    throw invalid(
      'overdueEveryWorkingDays',
      'Overdue chases are at least 1 working day apart, and at most 60',
    );
  }
  if (!isIntegerIn(policy.escalateAfterOverdueChases, 0, 20)) {
    throw invalid('escalateAfterOverdueChases', 'Escalation comes after 0 to 20 overdue chases');
  }
  if (typeof window.timeZone !== 'string') throw invalid('sendWindow.timeZone', 'The time zone is a name');
  if (
    typeof window.from !== 'string' ||
    typeof window.to !== 'string' ||
    !TIME.test(window.from) ||
    !TIME.test(window.to) ||
    window.from >= window.to
  ) {
    throw invalid('sendWindow', 'The send window is two times "HH:MM", the first before the second');
  }
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: window.timeZone });
  } catch {
    throw invalid('sendWindow.timeZone', `Unknown time zone ${window.timeZone}`);
  }
  return policy;
}

function isPlainObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntegerIn(value: unknown, min: number, max: number): boolean {
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max;
}
