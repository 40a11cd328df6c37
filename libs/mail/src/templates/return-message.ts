import { OutgoingMail } from '../mail-sender.js';
import { escapeHtml } from './escape-html.js';
import { typedLinesHtml, typedLinesText } from './typed-lines.js';
import { page } from './outstanding-returns.js';

/** To the other side of a return's thread when a message is posted on it. */
export interface ReturnMessageMail {
  to: string;
  name: string;
  partnershipName: string;
  cycleLabel: string;
  measureRef: string;
  measureText: string;
  /** "Jo Smith (reviewer)", "Ann Lee, Kent County Council". */
  authorInWords: string;
  body: string;
  changeRequest: boolean;
  /** Where to read the thread and answer. */
  actUrl: string;
  /** For an agency lead, who has no account: how to open a session first (their link, or where to ask for one). */
  signIn: { words: string; url: string } | null;
}

export function returnMessageMail(m: ReturnMessageMail): OutgoingMail {
  const what = m.changeRequest ? 'asked for a change to' : 'written about';
  const subject = m.changeRequest
    ? `${m.partnershipName}: change requested on ${m.measureRef} for ${m.cycleLabel}`
    : `${m.partnershipName}: new message on ${m.measureRef} for ${m.cycleLabel}`;
  const why = `You are getting this because ${m.authorInWords} has ${what} the return on ${m.measureRef} (${m.measureText}) for ${m.cycleLabel}, and you are on the other side of its conversation.`;
  const ask = m.changeRequest
    ? 'The return cannot be approved until this change request is answered. Reply on the return’s messages page:'
    : 'Read the conversation and reply on the return’s messages page:';
  const text = [
    `Dear ${m.name},`,
    '',
    why,
    '',
    ...typedLinesText(m.body, '  '),
    '',
    ask,
    m.actUrl,
    ...(m.signIn ? ['', m.signIn.words, m.signIn.url] : []),
    '',
    m.partnershipName,
  ].join('\n');
  const html = page(`<p>Dear ${escapeHtml(m.name)},</p>
<p>${escapeHtml(why)}</p>
<blockquote style="white-space: pre-wrap">${typedLinesHtml(m.body)}</blockquote>
<p>${escapeHtml(ask)} <a href="${escapeHtml(m.actUrl)}">${escapeHtml(m.actUrl)}</a></p>
${m.signIn ? `<p>${escapeHtml(m.signIn.words)} <a href="${escapeHtml(m.signIn.url)}">${escapeHtml(m.signIn.url)}</a></p>\n` : ''}<p>${escapeHtml(m.partnershipName)}</p>`);
  return { to: m.to, subject, text, html };
}
