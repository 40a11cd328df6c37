import { OutgoingMail } from '../mail-sender.js';
import { escapeHtml } from './escape-html.js';
import {
  longDate,
  OutstandingReturnLine,
  outstandingHtml,
  outstandingText,
  page,
} from './outstanding-returns.js';

/** To the agency's senior contacts, once its leads have been chased without result (coordinators: coordinator-escalation.ts). */
export interface EscalationMail {
  to: string;
  name: string;
  agencyName: string;
  partnershipName: string;
  cycleLabel: string;
  dueDate: string;
  overdueChases: number;
  returns: OutstandingReturnLine[];
}

export function escalationMail(m: EscalationMail): OutgoingMail {
  const subject = `${m.partnershipName}: ${m.agencyName}'s returns for ${m.cycleLabel} are still overdue`;
  const opening =
    `${m.agencyName}'s returns for ${m.cycleLabel} were due on ${longDate(m.dueDate)}. ` +
    `We have reminded its leads ${m.overdueChases} times since, and these are still outstanding:`;
  const text = [
    `Dear ${m.name},`,
    '',
    opening,
    '',
    ...outstandingText(m.returns),
    '',
    'Could you help the agency send them? You are getting this as its senior contact; the coordinator hears of every agency escalated with it in one mail.',
    '',
    'Thank you,',
    m.partnershipName,
  ].join('\n');
  const html = page(`<p>Dear ${escapeHtml(m.name)},</p>
<p>${escapeHtml(opening)}</p>
${outstandingHtml(m.returns)}
<p>Could you help the agency send them? You are getting this as its senior contact; the coordinator hears of every agency escalated with it in one mail.</p>
<p>Thank you,<br>${escapeHtml(m.partnershipName)}</p>`);
  return { to: m.to, subject, text, html };
}
