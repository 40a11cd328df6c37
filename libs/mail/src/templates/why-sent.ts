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

/**
 * Why an agency contact got a mail. They have no account to change it in: they are written to because the
 * partnership's plan names them for their agency, so the way to stop is to ask the coordinator (reply).
 */
export const whyContact = (agencyName: string, partnershipName: string): string =>
  `You are getting this because ${partnershipName}'s plan names you as a contact for ${agencyName}. ` +
  'If that is no longer right, reply to this email and the coordinator will change it.';

export const whyContactHtml = (agencyName: string, partnershipName: string): string =>
  `<p style="color:#505a5f">${escapeHtml(whyContact(agencyName, partnershipName))}</p>`;
