import { escapeHtml } from './escape-html.js';
import { typedLinesHtml, typedLinesText } from './typed-lines.js';

/** One return still waiting for the agency, as a digest lists it. */
export interface OutstandingReturnLine {
  ref: string;
  text: string;
  /** In words: "not started", "draft saved", "sent back: <reason>". */
  state: string;
  dueDate: string;
}

// Made once: a formatter per call (two per date, one per line of every digest) was a visible share of a chase run.
const WEEKDAY = new Intl.DateTimeFormat('en-GB', { weekday: 'long', timeZone: 'UTC' });
const DAY_MONTH_YEAR = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "Tuesday 21 April 2020", as people write it here (en-GB's own format puts a comma after the day). */
export const longDate = (iso: string) => {
  const at = new Date(`${iso}T12:00:00Z`);
  return `${WEEKDAY.format(at)} ${DAY_MONTH_YEAR.format(at)}`;
};

export function outstandingText(lines: OutstandingReturnLine[]): string[] {
  // A state that holds a reviewer's reason may run over several lines: each stays under its return.
  return lines.map(
    (l) =>
      `  ${l.ref}  ${l.text}\n${typedLinesText(`${l.state}; due ${longDate(l.dueDate)}`, '      ').join('\n')}`,
  );
}

export function outstandingHtml(lines: OutstandingReturnLine[]): string {
  return `<table role="presentation" cellpadding="4">${lines
    .map(
      (l) =>
        `<tr><td><strong>${escapeHtml(l.ref)}</strong></td><td>${escapeHtml(l.text)}</td>` +
        `<td>${typedLinesHtml(l.state)}</td><td>due ${escapeHtml(longDate(l.dueDate))}</td></tr>`,
    )
    .join('')}</table>`;
}

export const page = (body: string) =>
  `<!doctype html><html lang="en-GB"><body style="font-family: Arial, sans-serif; font-size: 16px">\n${body}\n</body></html>`;

export function linkText(link: string | null): string[] {
  return link
    ? ['Open your returns with this link (it is yours: please do not forward it):', link]
    : ['Reply to this email if you need a new link to your returns.'];
}

export function linkHtml(link: string | null): string {
  return link
    ? `<p><a href="${escapeHtml(link)}" style="font-weight: bold">Open your returns</a> (this link is yours: please do not forward it).</p>`
    : '<p>Reply to this email if you need a new link to your returns.</p>';
}
