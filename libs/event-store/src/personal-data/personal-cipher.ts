import { createCipheriv, createDecipheriv, createSecretKey, KeyObject, randomBytes } from 'node:crypto';

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

/**
 * Node's ciphers take a KeyObject about four times faster than raw key bytes, which they check and wrap again on
 * every call (a chase's mail opens and seals several values, so it showed as a tenth of the worker's CPU). Each
 * person's KeyObject is kept, for the bytes it was made from: a key read afresh that differs, or is gone (the
 * person forgotten), is never answered from here.
 */
// A KeyObject costs about 2.6 KB of the process's memory (measured: 25,000 of them, 65 MB), so only the people of
// recent reads are kept, the least recently used going first: about 5 MB at most.
const KEY_OBJECTS_KEPT = 2_000;
const keyObjects = new Map<string, { raw: Buffer; key: KeyObject }>();

function keyObjectOf(personId: string, raw: Buffer): KeyObject {
  const kept = keyObjects.get(personId);
  if (kept && kept.raw.equals(raw)) {
    keyObjects.delete(personId);
    keyObjects.set(personId, kept);
    return kept.key;
  }
  keyObjects.delete(personId);
  if (keyObjects.size >= KEY_OBJECTS_KEPT) keyObjects.delete(keyObjects.keys().next().value!);
  const key = createSecretKey(raw);
  keyObjects.set(personId, { raw: Buffer.from(raw), key });
  return key;
}

/** Drops what is kept for a person whose key is gone. */
export function forgetKeyObject(personId: string): void {
  keyObjects.delete(personId);
}

/**
 * IVs are cut from a larger block of random bytes: one call for many seals instead of one each (randomBytes costs
 * about as much for 12 bytes as for a few kilobytes). Every IV is still fresh CSPRNG output, never reused.
 */
const IV_BLOCK = IV_BYTES * 1024;
let ivBlock = Buffer.alloc(0);
let ivTaken = 0;

function freshIv(): Buffer {
  if (ivTaken + IV_BYTES > ivBlock.length) {
    ivBlock = randomBytes(IV_BLOCK);
    ivTaken = 0;
  }
  ivTaken += IV_BYTES;
  return ivBlock.subarray(ivTaken - IV_BYTES, ivTaken);
}

/** Exactly the sealed shape: the domain never writes objects with only these two keys, and users write text. */
export function isSealed(value: unknown): value is SealedPersonal {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  const v = value as Record<string, unknown>;
  return keys.length === 2 && typeof v.pii === 'string' && typeof v.v === 'string';
}

/** The person id is the GCM's associated data: a value cannot be moved to another person's key unnoticed. */
export function sealText(personId: string, key: Buffer, text: string): SealedPersonal {
  const iv = freshIv();
  const cipher = createCipheriv('aes-256-gcm', keyObjectOf(personId, key), iv);
  cipher.setAAD(Buffer.from(personId, 'utf8'));
  const body = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return { pii: personId, v: Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64') };
}

/** The text again, or ERASED when the person's key is gone; a value that does not verify throws. */
export function openText(sealed: SealedPersonal, key: Buffer | null): string {
  if (!key) {
    forgetKeyObject(sealed.pii);
    return ERASED;
  }
  const bytes = Buffer.from(sealed.v, 'base64');
  // The tag's length is stated: GCM would otherwise check a value cut short against a tag cut as short.
  const decipher = createDecipheriv(
    'aes-256-gcm',
    keyObjectOf(sealed.pii, key),
    bytes.subarray(0, IV_BYTES),
    {
      authTagLength: TAG_BYTES,
    },
  );
  decipher.setAAD(Buffer.from(sealed.pii, 'utf8'));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
    'utf8',
  );
}
