import { escapeHtml } from './escape-html.js';

/** Why a staff member got a mail, and where to change that: every mail to staff ends with it. */
export interface WhySent {
  /** "you review the theme Safe Communities", "you review every theme" */
  because: string;
  /** "you chose hourly digests", "hourly digests are the default" */
  delivery: string;
  accountUrl: string;
}

export const whySentText = (w: WhySent): string[] => [
  `You are getting this because ${w.because}; ${w.delivery}. Change this at ${w.accountUrl}`,
];

export const whySentHtml = (w: WhySent): string =>
  `<p style="color:#505a5f">You are getting this because ${escapeHtml(w.because)}; ${escapeHtml(w.delivery)}. ` +
  `<a href="${escapeHtml(w.accountUrl)}">Change how you get these mails</a>.</p>`;
