import { OutgoingMail } from '../mail-sender.js';
import { escapeHtml } from './escape-html.js';
import { page } from './outstanding-returns.js';
import { WhySent, whySentHtml, whySentText } from './why-sent.js';

/** To a reviewer of the return's theme who chose to hear of each submission at once. */
export interface ReturnSubmittedMail {
  to: string;
  name: string;
  partnershipName: string;
  cycleLabel: string;
  agencyName: string;
  themeTitle: string;
  measureRef: string;
  measureText: string;
  late: boolean;
  /** The review page (never a JSON route): where the reviewer approves or sends it back. */
  reviewUrl: string;
  queueUrl: string;
  why: WhySent;
}

export function returnSubmittedMail(m: ReturnSubmittedMail): OutgoingMail {
  const subject = `${m.partnershipName}: ${m.agencyName} has submitted ${m.measureRef} for ${m.cycleLabel}`;
  const said = `${m.agencyName} has submitted its return on ${m.measureRef} (${m.measureText}) under ${m.themeTitle} for ${m.cycleLabel}${m.late ? ', after its due date' : ''}.`;
  const text = [
    `Dear ${m.name},`,
    '',
    said,
    'It is waiting for a reviewer to approve it or send it back:',
    m.reviewUrl,
    '',
    `Everything waiting for review: ${m.queueUrl}`,
    '',
    ...whySentText(m.why),
    '',
    m.partnershipName,
  ].join('\n');
  const html = page(`<p>Dear ${escapeHtml(m.name)},</p>
<p>${escapeHtml(said)}</p>
<p>It is waiting for a reviewer to <a href="${escapeHtml(m.reviewUrl)}">approve it or send it back</a>.</p>
<p><a href="${escapeHtml(m.queueUrl)}">Everything waiting for review</a></p>
${whySentHtml(m.why)}
<p>${escapeHtml(m.partnershipName)}</p>`);
  return { to: m.to, subject, text, html };
}
