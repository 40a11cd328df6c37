/**
 * Dates and times as people in the partnership read them, in UK time (GMT or BST) whatever the server's zone:
 * one place, so the mail, the pages and the report never say the same moment two ways.
 */
const LONDON = 'Europe/London';

const DAY = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: LONDON,
});
const CLOCK = new Intl.DateTimeFormat('en-GB', {
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
  timeZone: LONDON,
});
// en-CA writes dates as YYYY-MM-DD.
const ISO_DAY = new Intl.DateTimeFormat('en-CA', {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  timeZone: LONDON,
});

const BARE_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** "3 December 2026" for an instant or a YYYY-MM-DD day, as the day it was in London. */
export function dayInWords(instantOrDay: string): string {
  // A bare day is read at noon UTC, which is the same day in London whatever the season.
  return DAY.format(new Date(BARE_DAY.test(instantOrDay) ? `${instantOrDay}T12:00:00Z` : instantOrDay));
}

/** "2:05pm": the time of an instant on a London clock, lower case and with no space. */
export function clockInWords(instant: string): string {
  return CLOCK.format(new Date(instant)).replace(/\s/g, '').toLowerCase();
}

/** The day an instant falls on in London, as YYYY-MM-DD. */
export function londonDay(instant: string | Date): string {
  return ISO_DAY.format(typeof instant === 'string' ? new Date(instant) : instant);
}
