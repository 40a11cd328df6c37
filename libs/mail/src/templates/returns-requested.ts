import { clockInWords, dayInWords } from '../../../kernel/src/index.js';
import { OutgoingMail } from '../mail-sender.js';
import { escapeHtml } from './escape-html.js';
import { whyContact, whyContactHtml } from './why-sent.js';

export interface ReturnsRequestedMail {
  to: string;
  contactName: string;
  agencyName: string;
  partnershipName: string;
  cycleLabel: string;
  dueDate: string;
  measures: { ref: string; text: string }[];
  /** The contact's own submission link: it opens their agency's returns for this cycle, without an account. */
  link: string;
  /**
   * Set when the contact asked for this link themselves: it works once, until this instant. The mail says so.
   */
  oneUseUntil?: string;
  /** Where a lead whose link stopped working asks for another, without waiting on a reply. */
  newLinkPage?: string;
}

/** "3:15pm on 4 December 2026", in the UK's time. */
const momentInWords = (iso: string) => `${clockInWords(iso)} on ${dayInWords(iso)}`;

/** What the mail says about how long the link works. */
function lifetime(m: ReturnsRequestedMail): string {
  return m.oneUseUntil
    ? `You asked for this link. It works once, until ${momentInWords(m.oneUseUntil)}. After that, ask for another at ${m.newLinkPage ?? 'the service start page'}.`
    : `The link works until the cycle closes. If it stops working, ask for a new one at ${m.newLinkPage ?? 'the service start page'}, or reply to this email.`;
}

const longDate = (iso: string) =>
  new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });

/** The first mail of a cycle: which measures the agency is asked to report on, and by when. */
export function returnsRequestedMail(m: ReturnsRequestedMail): OutgoingMail {
  const due = longDate(m.dueDate);
  const subject = `${m.partnershipName}: your returns for ${m.cycleLabel} are due by ${due}`;
  const text = [
    `Dear ${m.contactName},`,
    '',
    `${m.partnershipName} has opened its monitoring for ${m.cycleLabel}.`,
    `${m.agencyName} is asked for a return on ${m.measures.length === 1 ? 'this measure' : `these ${m.measures.length} measures`} by ${due}:`,
    '',
    ...m.measures.map((x) => `  ${x.ref}  ${x.text}`),
    '',
    'For each one, give a RAG rating, a short account of progress, the direction of travel and any comments.',
    '',
    'Open your returns with this link (it is yours: please do not forward it):',
    m.link,
    '',
    lifetime(m),
    '',
    'Thank you,',
    `${m.partnershipName}`,
    '',
    whyContact(m.agencyName, m.partnershipName),
  ].join('\n');
  const html = `<!doctype html><html lang="en-GB"><body style="font-family: Arial, sans-serif; font-size: 16px">
<p>Dear ${escapeHtml(m.contactName)},</p>
<p>${escapeHtml(m.partnershipName)} has opened its monitoring for <strong>${escapeHtml(m.cycleLabel)}</strong>.</p>
<p>${escapeHtml(m.agencyName)} is asked for a return on ${m.measures.length === 1 ? 'this measure' : `these ${m.measures.length} measures`} by <strong>${escapeHtml(due)}</strong>:</p>
<table role="presentation" cellpadding="4">${m.measures
    .map((x) => `<tr><td><strong>${escapeHtml(x.ref)}</strong></td><td>${escapeHtml(x.text)}</td></tr>`)
    .join('')}</table>
<p>For each one, give a RAG rating, a short account of progress, the direction of travel and any comments.</p>
<p><a href="${escapeHtml(m.link)}" style="font-weight: bold">Open your returns</a> (this link is yours: please do not forward it).</p>
<p>${escapeHtml(lifetime(m))}</p>
<p>Thank you,<br>${escapeHtml(m.partnershipName)}</p>
${whyContactHtml(m.agencyName, m.partnershipName)}
</body></html>`;
  return { to: m.to, subject, text, html };
}
