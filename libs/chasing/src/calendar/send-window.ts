import { addDays, CalendarDate, WorkingCalendar } from './working-days.js';

export interface SendWindow {
  from: string;
  to: string;
  timeZone: string;
}

/**
 * One formatter per time zone: building an Intl.DateTimeFormat costs far more than using one, and every chase
 * and digest asks for local times several times over (it was 6% of the worker's time in the chase benchmark).
 */
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local calendar date and minute of the day at an instant, in a time zone. */
export function localTime(instant: Date, timeZone: string): { date: CalendarDate; minutes: number } {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

const zonedInstants = new Map<string, number>();
const REMEMBERED_INSTANTS = 10_000;

/**
 * The instant a local wall-clock time happens on a date in a time zone. The offset is found by asking what
 * local time a first guess is, so it is right on both sides of a clock change (09:00 is 09:00Z in winter and
 * 08:00Z in summer in Europe/London).
 */
export function zonedInstant(date: CalendarDate, time: string, timeZone: string): Date {
  // Every digest checks the send window (two of these, each up to three formatter calls): remembered, as the
  // answer for a date, a time and a zone never changes.
  const key = `${date}T${time}|${timeZone}`;
  let at = zonedInstants.get(key);
  if (at === undefined) {
    if (zonedInstants.size >= REMEMBERED_INSTANTS) zonedInstants.clear();
    at = findZonedInstant(date, time, timeZone);
    zonedInstants.set(key, at);
  }
  return new Date(at);
}

function findZonedInstant(date: CalendarDate, time: string, timeZone: string): number {
  const wanted = Date.parse(`${date}T${time}:00Z`);
  let guess = wanted;
  for (let i = 0; i < 3; i++) {
    const local = localTime(new Date(guess), timeZone);
    const seen = Date.parse(`${local.date}T00:00:00Z`) + local.minutes * 60_000;
    const drift = seen - wanted;
    if (drift === 0) break;
    guess -= drift;
  }
  return guess;
}

/** When mail may go out on a date: [opens, closes). */
export function windowOn(date: CalendarDate, window: SendWindow): { opens: Date; closes: Date } {
  return {
    opens: zonedInstant(date, window.from, window.timeZone),
    closes: zonedInstant(date, window.to, window.timeZone),
  };
}

/** Whether mail may go out at this instant: a working day, inside the window's local hours. */
export function isInSendWindow(instant: Date, window: SendWindow, calendar: WorkingCalendar): boolean {
  const { date } = localTime(instant, window.timeZone);
  if (!calendar.isWorkingDay(date)) return false;
  const { opens, closes } = windowOn(date, window);
  return instant >= opens && instant < closes;
}

/** The next instant mail may go out: now when inside the window, else when it next opens. */
export function nextSendTime(instant: Date, window: SendWindow, calendar: WorkingCalendar): Date {
  if (isInSendWindow(instant, window, calendar)) return instant;
  let { date } = localTime(instant, window.timeZone);
  for (let i = 0; i < 30; i++, date = addDays(date, 1)) {
    if (!calendar.isWorkingDay(date)) continue;
    const { opens } = windowOn(date, window);
    if (opens > instant) return opens;
  }
  throw new Error('no working day in the next 30 days');
}
