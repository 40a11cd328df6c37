import { OutgoingMail, escapeHtml } from '../../../mail/src/index.js';
import type { PasswordTokenPurpose } from './password-token.js';

/** The mail carrying a set-password link: an invitation to a new account, or a forgotten password's reset. */
export function passwordMail(m: {
  to: string;
  name: string;
  purpose: PasswordTokenPurpose;
  link: string;
  expiresIn: string;
}): OutgoingMail {
  const invite = m.purpose === 'invite';
  const subject = invite ? 'Partner Returns: set up your account' : 'Partner Returns: reset your password';
  const why = invite
    ? 'You have been given a staff account on Partner Returns. Choose a password to start using it:'
    : 'Someone asked to reset the password of your Partner Returns account. If it was you, choose a new one:';
  const after = `The link works once and for ${m.expiresIn}. If you did not expect this email, you can ignore it.`;
  const text = [`Dear ${m.name},`, '', why, '', m.link, '', after].join('\n');
  const html = `<!doctype html><html lang="en-GB"><body style="font-family: Arial, sans-serif">
<p>Dear ${escapeHtml(m.name)},</p>
<p>${escapeHtml(why)}</p>
<p><a href="${escapeHtml(m.link)}" style="font-weight: bold">${invite ? 'Set your password' : 'Reset your password'}</a></p>
<p>${escapeHtml(after)}</p>
</body></html>`;
  return { to: m.to, subject, text, html };
}
