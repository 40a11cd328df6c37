import { BadRequestException } from '@nestjs/common';
import { CALENDAR_YEARS } from '../../kernel/src/index.js';

// A full instant with its zone, e.g. 2020-04-30T12:00:00Z or 2020-04-30T13:00:00+01:00: a bare date would
// leave open which midnight, and a time without a zone which clock.
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * The `asAt` query parameter as a Date, or undefined when absent. A bad one is a 400 problem naming the field:
 * not an instant with a zone, not a real date, before 1900 (year 0000 is not even one PostgreSQL can compare
 * with), or later than now (the future has no events yet).
 */
export function parseAsAt(raw: string | undefined, now: Date, field = 'asAt'): Date | undefined {
  if (raw === undefined || raw === '') return undefined;
  // An unencoded "+01:00" in a query string arrives as " 01:00".
  const value = raw.replace(/ (\d{2}:\d{2})$/, '+$1');
  const date = new Date(value);
  const problem = !INSTANT.test(value)
    ? 'must be an instant with its time zone, such as 2020-04-30T12:00:00Z'
    : Number.isNaN(date.getTime()) || !sameCalendarDate(value, date)
      ? 'is not a real date and time'
      : date.getUTCFullYear() < CALENDAR_YEARS.first
        ? `must be in ${CALENDAR_YEARS.first} or later`
        : date.getTime() > now.getTime()
          ? 'must not be in the future'
          : null;
  if (problem) {
    throw new BadRequestException({
      type: 'https://partner-returns.dev/problems/validation',
      title: 'The request has invalid fields',
      status: 400,
      detail: `${field}: ${problem}`,
      errors: [{ field, rule: 'asAt', message: `${field} ${problem}` }],
    });
  }
  return date;
}

/** Date.parse rolls 2020-02-30 over to March; an instant that names a day must name a real one. */
function sameCalendarDate(value: string, date: Date): boolean {
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(value);
  const minutes = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) : 0;
  const local = new Date(date.getTime() + minutes * 60_000);
  return local.toISOString().slice(0, 10) === value.slice(0, 10);
}
