import { createHash, createHmac, randomBytes } from 'node:crypto';

/** 256 bits from the CSPRNG, URL-safe. */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** What is stored instead of a session id, API token or link token. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/**
 * A submission link's token, derived from its random 256-bit link id with the TOKEN_PEPPER secret. The database
 * and the events hold the link id and SHA-256(token) only; the worker re-derives the token when it writes the
 * mail, so the token is never stored, never put in job data, and cannot be rebuilt without the secret.
 */
export function linkToken(pepper: string, linkId: string): string {
  return createHmac('sha256', pepper).update(`submission-link:${linkId}`).digest('base64url');
}

/** A new submission link for one agency contact: a random 256-bit id and the hash of the token it yields. */
export function mintLink(pepper: string, agencyId: string, contactEmail: string) {
  const linkId = newSecret();
  return { linkId, agencyId, contactEmail, tokenHash: sha256(linkToken(pepper, linkId)) };
}

/**
 * A set-password link's token (an invitation or a reset), derived from its token id with the TOKEN_PEPPER secret,
 * as a submission link's is: the api stores SHA-256(token) with the id, and the worker that mails it re-derives
 * the token, so the mail can be owed durably (an event, owed_mails) with no token in any job, row or event.
 */
export function passwordToken(pepper: string, tokenId: string): string {
  return createHmac('sha256', pepper).update(`password-token:${tokenId}`).digest('base64url');
}

/** Raised instead of mailing a link whose token this process's pepper does not make (see issuedLinkToken). */
export class PepperMismatchError extends Error {
  override readonly name = 'PepperMismatchError';
  constructor(id: string, what = 'link') {
    super(
      `TOKEN_PEPPER does not make the token ${what} ${id.slice(0, 8)}... was issued with: the api and the ` +
        'worker must share TOKEN_PEPPER (and, outside production, DATABASE_URL written the same way). ' +
        'No mail with a link that would not work was sent; it goes once the pepper is right.',
    );
  }
}

/**
 * The token of a link as it was issued: re-derived with this process's pepper and checked against the hash the
 * link was issued with. A worker whose pepper differs from the api's mailed every lead a link that answered
 * "not recognised" and recorded it sent; now the mail is not sent and the job fails until the pepper is right.
 */
export function issuedLinkToken(pepper: string, linkId: string, tokenHash: string | undefined): string {
  const token = linkToken(pepper, linkId);
  if (sha256(token) !== tokenHash) throw new PepperMismatchError(linkId);
  return token;
}

/** issuedLinkToken for a set-password link: its token as the api stored its hash, or PepperMismatchError. */
export function issuedPasswordToken(pepper: string, tokenId: string, tokenHash: string): string {
  const token = passwordToken(pepper, tokenId);
  if (sha256(token) !== tokenHash) throw new PepperMismatchError(tokenId, 'set-password link');
  return token;
}
