import type Holidays from 'date-holidays';

/** Calendar dates are strings "YYYY-MM-DD": a working day is a date, not an instant, so no clock change moves it. */
export type CalendarDate = string;

export interface WorkingCalendar {
  isWorkingDay(date: CalendarDate): boolean;
}

const DAY_MS = 86_400_000;
const toUtc = (date: CalendarDate) => Date.parse(`${date}T00:00:00Z`);
const fromUtc = (ms: number): CalendarDate => new Date(ms).toISOString().slice(0, 10);

export function addDays(date: CalendarDate, days: number): CalendarDate {
  return fromUtc(toUtc(date) + days * DAY_MS);
}

export function isWeekend(date: CalendarDate): boolean {
  const day = new Date(toUtc(date)).getUTCDay();
  return day === 0 || day === 6;
}

/** Weekends off, and the given holidays. */
export function calendarWithHolidays(holidays: Iterable<CalendarDate>): WorkingCalendar {
  const off = new Set(holidays);
  return { isWorkingDay: (date) => !isWeekend(date) && !off.has(date) };
}

/**
 * England and Wales bank holidays from date-holidays (offline data). It also lists a holiday that falls on a
 * weekend beside its weekday substitute, so weekend dates are dropped: weekends are off anyway.
 */
export function englandAndWales(): WorkingCalendar {
  // Its data is loaded at the first date asked about (a quarter of a second), not with every process that holds
  // a calendar; a synchronous require, because isWorkingDay is synchronous.
  let source: Holidays | undefined;
  const holidays = (): Holidays => {
    if (!source) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const Source = require('date-holidays') as typeof Holidays; // its CommonJS build exports the class itself
      source = new Source('GB', 'ENG');
    }
    return source;
  };
  const years = new Map<number, Set<CalendarDate>>();
  const holidaysOf = (year: number) => {
    let dates = years.get(year);
    if (!dates) {
      dates = new Set(
        (holidays().getHolidays(year) || [])
          .filter((h) => h.type === 'public' || h.type === 'bank')
          .map((h) => h.date.slice(0, 10))
          .filter((d) => !isWeekend(d)),
      );
      years.set(year, dates);
    }
    return dates;
  };
  return {
    isWorkingDay: (date) => !isWeekend(date) && !holidaysOf(Number(date.slice(0, 4))).has(date),
  };
}

/** The working day `n` working days after (n > 0) or before (n < 0) `date`; `date` itself when n is 0. */
export function addWorkingDays(calendar: WorkingCalendar, date: CalendarDate, n: number): CalendarDate {
  const step = n < 0 ? -1 : 1;
  let current = date;
  for (let left = Math.abs(n); left > 0;) {
    current = addDays(current, step);
    if (calendar.isWorkingDay(current)) left -= 1;
  }
  return current;
}

/** The first working day on or after `date`. */
export function workingDayOnOrAfter(calendar: WorkingCalendar, date: CalendarDate): CalendarDate {
  let current = date;
  while (!calendar.isWorkingDay(current)) current = addDays(current, 1);
  return current;
}
