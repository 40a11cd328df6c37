/** Where a publication came from, as every format prints it once, at its end. */
export interface PublicationFacts {
  publication: number;
  publishedAt: string;
  contentHash: string;
}

const LONDON_DAY = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});

/** "3 December 2026" for an instant or a YYYY-MM-DD day, as the day it was in Europe/London. */
export function dayInWords(instantOrDay: string): string {
  // A bare day is read at noon UTC, which is the same day in London whatever the season.
  const instant = /^\d{4}-\d{2}-\d{2}$/.test(instantOrDay) ? `${instantOrDay}T12:00:00Z` : instantOrDay;
  return LONDON_DAY.format(new Date(instant));
}

/**
 * The one colophon line of a publication: "Publication 2, published 3 December 2026. Content hash: 8eac…". The
 * hash is what the ETag and the ReportPublished event carry, so a reader can tell two printings apart.
 */
export function colophon(p: PublicationFacts): string {
  return `Publication ${p.publication}, published ${dayInWords(p.publishedAt)}. Content hash: ${p.contentHash}`;
}
