/**
 * The single-use tokens mailed to set a password: an invitation to a new account, or a reset of a forgotten
 * password. Only the token's SHA-256 is kept; what can be done with it is decided here, purely.
 */
export type PasswordTokenPurpose = 'invite' | 'reset';

/** How long a mailed token works: a reset soon (the mailbox may be read by others later), an invitation a week. */
export const TOKEN_LIFETIME_MINUTES: Record<PasswordTokenPurpose, number> = {
  reset: 60,
  invite: 7 * 24 * 60,
};

export interface PasswordTokenRecord {
  purpose: PasswordTokenPurpose;
  expiresAt: Date;
  usedAt: Date | null;
  /** The account was deactivated after the token was sent. */
  accountDisabled: boolean;
}

export type TokenVerdict = 'usable' | 'unknown' | 'used' | 'expired';

/** Whether a token may still set a password at `now`. A used or expired one never works again. */
export function judgeToken(token: PasswordTokenRecord | null, now: Date): TokenVerdict {
  if (!token || token.accountDisabled) return 'unknown';
  if (token.usedAt) return 'used';
  if (token.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'usable';
}

export function tokenExpiry(purpose: PasswordTokenPurpose, issuedAt: Date): Date {
  return new Date(issuedAt.getTime() + TOKEN_LIFETIME_MINUTES[purpose] * 60_000);
}
