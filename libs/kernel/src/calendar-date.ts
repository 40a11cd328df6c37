const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The years a monitoring date can fall in: old reports recorded as historical cycles go back decades, due
 * dates run a plan period or two ahead. Outside them a date is a typo (0020 for 2020), and year 0000 is one
 * PostgreSQL cannot even store.
 */
export const CALENDAR_YEARS = { first: 1900, last: 2199 } as const;

/** A real calendar date written YYYY-MM-DD in CALENDAR_YEARS: "2021-02-30" is refused, not rolled over to March. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string' || !DATE.test(value)) return false;
  const year = Number(value.slice(0, 4));
  if (year < CALENDAR_YEARS.first || year > CALENDAR_YEARS.last) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}
