import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/** The browser's half of a sign-on in progress: set when it leaves for the provider, read once on its return. */
export const SIGN_ON_COOKIE = 'pr_sign_on';
/** Long enough to sign in at the provider (with a second factor), short enough that a stale one is useless. */
export const SIGN_ON_MINUTES = 10;

export interface SignOnInProgress {
  partnershipId: string;
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Milliseconds since the epoch after which the cookie is refused, whatever the browser kept. */
  expiresAt: number;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A key of its own, derived from SESSION_SECRET, so this cookie's key is used for nothing else. */
const keyOf = (secret: string) => createHmac('sha256', secret).update('sign-on-cookie').digest();

/**
 * Sealed with AES-256-GCM: the browser can neither read the PKCE verifier and nonce nor change any of it, and
 * no server-side table is needed for a sign-on that may never come back.
 */
export function sealSignOn(secret: string, value: SignOnInProgress): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(secret), iv, { authTagLength: TAG_BYTES });
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url')).join('.');
}

/** The sign-on in progress, or null when the cookie is missing, altered, sealed with another key or expired. */
export function openSignOn(secret: string, sealed: unknown, now: Date): SignOnInProgress | null {
  if (typeof sealed !== 'string') return null;
  const parts = sealed.split('.');
  if (parts.length !== 3) return null;
  try {
    const [iv, tag, body] = parts.map((p) => Buffer.from(p, 'base64url'));
    // GCM accepts a tag cut short (down to 4 bytes) unless told its length: a shorter one is far easier to forge.
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null;
    const decipher = createDecipheriv('aes-256-gcm', keyOf(secret), iv, { authTagLength: TAG_BYTES });
    decipher.setAuthTag(tag);
    const value = JSON.parse(
      Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8'),
    ) as SignOnInProgress;
    return value.expiresAt > now.getTime() ? value : null;
  } catch {
    return null;
  }
}
