import { OutgoingMail } from '../mail-sender.js';
import { escapeHtml } from './escape-html.js';
import { typedLinesHtml, typedLinesText } from './typed-lines.js';
import { whyContact, whyContactHtml } from './why-sent.js';
import { linkHtml, linkText, longDate, page } from './outstanding-returns.js';

/** To the agency's leads as soon as a reviewer sends a return back, with the reviewer's reason. */
export interface ReturnSentBackMail {
  to: string;
  contactName: string;
  agencyName: string;
  partnershipName: string;
  cycleLabel: string;
  measureRef: string;
  measureText: string;
  reason: string;
  link: string | null;
  /** The return's due date (as extended, if it was), and the day it was sent back: the mail says by when. */
  dueDate: string;
  sentBackOn: string;
}

/** By when: the due date while it is still ahead, else as soon as they can (it has passed). */
function byWhen(m: ReturnSentBackMail): string {
  return m.dueDate >= m.sentBackOn
    ? `Please make the changes and submit it again by ${longDate(m.dueDate)}.`
    : `Please make the changes and submit it again as soon as you can: it was due on ${longDate(m.dueDate)}.`;
}

export function returnSentBackMail(m: ReturnSentBackMail): OutgoingMail {
  const subject = `${m.partnershipName}: your return on ${m.measureRef} for ${m.cycleLabel} needs changes`;
  const text = [
    `Dear ${m.contactName},`,
    '',
    `A reviewer has sent back your return on ${m.measureRef} (${m.measureText}) for ${m.cycleLabel}. They said:`,
    '',
    ...typedLinesText(m.reason, '  '),
    '',
    byWhen(m),
    ...linkText(m.link),
    '',
    'Thank you,',
    m.partnershipName,
    '',
    whyContact(m.agencyName, m.partnershipName),
  ].join('\n');
  const html = page(`<p>Dear ${escapeHtml(m.contactName)},</p>
<p>A reviewer has sent back your return on <strong>${escapeHtml(m.measureRef)}</strong> (${escapeHtml(m.measureText)}) for ${escapeHtml(m.cycleLabel)}. They said:</p>
<blockquote style="white-space: pre-wrap">${typedLinesHtml(m.reason)}</blockquote>
<p>${escapeHtml(byWhen(m))}</p>
${linkHtml(m.link)}
<p>Thank you,<br>${escapeHtml(m.partnershipName)}</p>
${whyContactHtml(m.agencyName, m.partnershipName)}`);
  return { to: m.to, subject, text, html };
}
