import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** What a person's name or email reads as once they are forgotten: their key is gone, so is the text. */
export const ERASED = '[erased]';

/**
 * A personal value as it is stored in event data and metadata: the person it belongs to, and the text sealed
 * with that person's own key (AES-256-GCM). Deleting the key makes every copy unreadable at once, without
 * touching the event rows (crypto-shredding).
 */
export interface SealedPersonal {
  /** The person's id in personal_keys. */
  pii: string;
  /** base64 of IV (12 bytes), GCM tag (16 bytes) and ciphertext. */
  v: string;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** Exactly the sealed shape: the domain never writes objects with only these two keys, and users write text. */
export function isSealed(value: unknown): value is SealedPersonal {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const v = value as Record<string, unknown>;
  return keys.length === 2 && typeof v.pii === 'string' && typeof v.v === 'string';
}

/** The person id is the GCM's associated data: a value cannot be moved to another person's key unnoticed. */
export function sealText(personId: string, key: Buffer, text: string): SealedPersonal {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(personId, 'utf8'));
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return { pii: personId, v: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
}

/** The text again, or ERASED when the person's key is gone; a value that does not verify throws. */
export function openText(sealed: SealedPersonal, key: Buffer | null): string {
  if (!key) return ERASED;
  const bytes = Buffer.from(sealed.v, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(sealed.pii, 'utf8'));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
    'utf8',
  );
}
