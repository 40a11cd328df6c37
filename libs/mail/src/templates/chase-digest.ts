import { OutgoingMail } from '../mail-sender.js';
import { escapeHtml } from './escape-html.js';
import { whyContact, whyContactHtml } from './why-sent.js';
import {
  linkHtml,
  linkText,
  longDate,
  OutstandingReturnLine,
  outstandingHtml,
  outstandingText,
  page,
} from './outstanding-returns.js';

/** A chase digest: one mail to one agency contact listing every return of theirs still outstanding. */
export interface ChaseDigest {
  to: string;
  contactName: string;
  agencyName: string;
  partnershipName: string;
  cycleLabel: string;
  /** The earliest due date among the returns listed. */
  dueDate: string;
  returns: OutstandingReturnLine[];
  link: string | null;
}

interface Wording {
  subject(d: ChaseDigest): string;
  opening(d: ChaseDigest): string;
}

const count = (d: ChaseDigest) => (d.returns.length === 1 ? 'one return' : `${d.returns.length} returns`);

/** The templates of the four chase kinds: what differs is how the opening puts it. */
const WORDING: Record<'reminder' | 'due' | 'overdue' | 'now', Wording> = {
  reminder: {
    subject: (d) =>
      `Reminder: ${d.agencyName}'s returns for ${d.cycleLabel} are due by ${longDate(d.dueDate)}`,
    opening: (d) =>
      `This is a reminder that ${d.agencyName} still has ${count(d)} to send for ${d.cycleLabel}, due by ${longDate(d.dueDate)}.`,
  },
  due: {
    subject: (d) => `Due today: ${d.agencyName}'s returns for ${d.cycleLabel}`,
    opening: (d) =>
      `${d.agencyName}'s returns for ${d.cycleLabel} are due today. ${capital(count(d))} still to send:`,
  },
  overdue: {
    subject: (d) => `Overdue: ${d.agencyName}'s returns for ${d.cycleLabel}`,
    opening: (d) =>
      `${d.agencyName}'s returns for ${d.cycleLabel} were due on ${longDate(d.dueDate)} and ${count(d)} ${d.returns.length === 1 ? 'has' : 'have'} not yet been sent.`,
  },
  now: {
    subject: (d) => `Please send ${d.agencyName}'s returns for ${d.cycleLabel}`,
    opening: (d) =>
      `The coordinator has asked us to remind you that ${d.agencyName} still has ${count(d)} to send for ${d.cycleLabel}.`,
  },
};

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function chaseDigestMail(kind: keyof typeof WORDING, d: ChaseDigest): OutgoingMail {
  const words = WORDING[kind];
  const subject = `${d.partnershipName}: ${words.subject(d)}`;
  const text = [
    `Dear ${d.contactName},`,
    '',
    words.opening(d),
    '',
    ...outstandingText(d.returns),
    '',
    ...linkText(d.link),
    '',
    'If you have already sent them, thank you, and please ignore this email.',
    '',
    'Thank you,',
    d.partnershipName,
    '',
    whyContact(d.agencyName, d.partnershipName),
  ].join('\n');
  const html = page(`<p>Dear ${escapeHtml(d.contactName)},</p>
<p>${escapeHtml(words.opening(d))}</p>
${outstandingHtml(d.returns)}
${linkHtml(d.link)}
<p>If you have already sent them, thank you, and please ignore this email.</p>
<p>Thank you,<br>${escapeHtml(d.partnershipName)}</p>
${whyContactHtml(d.agencyName, d.partnershipName)}`);
  return { to: d.to, subject, text, html };
}
