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
