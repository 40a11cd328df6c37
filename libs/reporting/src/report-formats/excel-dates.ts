/**
 * Dates as Excel holds them: a number of days whose format shows it, so an officer can sort and filter a column
 * by it. exceljs turns a Date into that number from its UTC fields, so the Date made here carries, as UTC, the
 * day or the London clock time a reader means: "2026-12-02" is 02/12/2026, and an approval at 23:30 UTC on 30
 * April is 01/05/2020 00:30, as it was in London. The CSV keeps the ISO text (a date there is text whatever is
 * done), which a program reads without guessing at the order of day and month.
 */

/** The UK's way of writing a day, as Excel's number format. */
export const UK_DAY_FORMAT = 'dd/mm/yyyy';
export const UK_TIME_FORMAT = 'dd/mm/yyyy hh:mm';

const BARE_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

// en-CA with a 24-hour clock writes "2020-05-01, 00:30".
const LONDON_CLOCK = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZone: 'Europe/London',
});

/**
 * The cell for a date column's text: a YYYY-MM-DD day, or an instant on a London clock; null for an empty one
 * (a blank, not an empty text, so a filter's "(Blanks)" finds it); the text itself when it is neither.
 */
export function excelDate(text: string): { value: Date | null; numFmt?: string } | null {
  if (text === '') return { value: null };
  const day = BARE_DAY.exec(text);
  if (day) return { value: new Date(Date.UTC(+day[1], +day[2] - 1, +day[3])), numFmt: UK_DAY_FORMAT };
  const instant = new Date(text);
  if (Number.isNaN(instant.getTime())) return null;
  const parts = Object.fromEntries(LONDON_CLOCK.formatToParts(instant).map((p) => [p.type, Number(p.value)]));
  const value = new Date(
    Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second),
  );
  return { value, numFmt: UK_TIME_FORMAT };
}
