import { OutgoingMail } from '../mail-sender.js';
import { escapeHtml } from './escape-html.js';
import {
  longDate,
  OutstandingReturnLine,
  outstandingHtml,
  outstandingText,
  page,
} from './outstanding-returns.js';

/** One agency escalated at the step: what it still owes, and its page in the cycle. */
export interface EscalatedAgency {
  agencyName: string;
  dueDate: string;
  returns: OutstandingReturnLine[];
  link: string;
}

/**
 * To a coordinator, once per escalation step of a cycle: every agency escalated at it in one mail. A mail per
 * agency sent a coordinator with 40 overdue agencies 40 mails at once.
 */
export interface CoordinatorEscalationMail {
  to: string;
  name: string;
  partnershipName: string;
  cycleLabel: string;
  /** The escalation step's date. */
  step: string;
  overdueChases: number;
  agencies: EscalatedAgency[];
  /** A later mail of the step: the agencies escalated at it after the first mail went, and only those. */
  followUp?: boolean;
}

const agenciesInWords = (n: number) => (n === 1 ? '1 agency' : `${n} agencies`);

const why = (m: CoordinatorEscalationMail) =>
  m.followUp
    ? `You are getting this as the coordinator: these agencies were escalated on ${longDate(m.step)} after our earlier mail about that day.`
    : `You are getting this as the coordinator: one mail for every agency escalated on ${longDate(m.step)}.`;

export function coordinatorEscalationMail(m: CoordinatorEscalationMail): OutgoingMail {
  const whose = m.agencies.length === 1 ? "1 agency's" : `${m.agencies.length} agencies'`;
  const subject = `${m.partnershipName}: ${whose} returns for ${m.cycleLabel} are still overdue`;
  const who = m.followUp
    ? `Since our earlier mail we have escalated ${agenciesInWords(m.agencies.length)} more: they`
    : agenciesInWords(m.agencies.length);
  const opening =
    `${who} still owe returns for ${m.cycleLabel}, although we have reminded ` +
    `their leads ${m.overdueChases} times since they were due. We have written to each agency's senior contact too.`;
  const text = [
    `Dear ${m.name},`,
    '',
    opening,
    '',
    ...m.agencies.flatMap((a) => [
      `${a.agencyName} (due ${longDate(a.dueDate)})`,
      ...outstandingText(a.returns),
      `  ${a.link}`,
      '',
    ]),
    why(m),
    '',
    'Thank you,',
    m.partnershipName,
  ].join('\n');
  const html = page(`<p>Dear ${escapeHtml(m.name)},</p>
<p>${escapeHtml(opening)}</p>
${m.agencies
  .map(
    (
      a,
    ) => `<h2 style="font-size: 18px">${escapeHtml(a.agencyName)} (due ${escapeHtml(longDate(a.dueDate))})</h2>
${outstandingHtml(a.returns)}
<p><a href="${escapeHtml(a.link)}">${escapeHtml(a.agencyName)} in ${escapeHtml(m.cycleLabel)}</a></p>`,
  )
  .join('\n')}
<p>${escapeHtml(why(m))}</p>
<p>Thank you,<br>${escapeHtml(m.partnershipName)}</p>`);
  return { to: m.to, subject, text, html };
}
