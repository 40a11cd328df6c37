import { isSealed, SealedPersonal } from './personal-cipher.js';

/**
 * Which stored values are personal, in one place for every event type: an email address under one of these keys
 * (a contact's `email`, a link's `contactEmail`, a mail's `recipient`, a chase's `to`, a return's or message's
 * `by`/`author`, the metadata's `actorId` of an agency lead), and a `name` beside such an email (a contact's
 * name belongs to the person of that address). Staff are named by their uuid, which is not personal here: their
 * email and name live in staff_accounts, a table that can be changed. Matching by key, not by event type, keeps
 * the ledger's prefixed types (ReminderSent, LinkMailClaimed...) and later event types covered without a list.
 */
const EMAIL_KEYS = new Set(['email', 'contactEmail', 'recipient', 'by', 'author', 'actorId']);
const EMAIL_LIST_KEYS = new Set(['to']);
const OWNED_KEYS = new Set(['name']);

/** Only addresses are personal: a staff uuid, 'system' or a free-text author without one stays as it is. */
export const isEmail = (value: unknown): value is string => typeof value === 'string' && value.includes('@');

/** The lookup form of an address: the same person however it was typed. */
export const normalEmail = (email: string) => email.trim().toLowerCase();

type Seal = (ownerEmail: string, text: string) => SealedPersonal;

/**
 * How deep the walks below go. Personal fields sit a few levels down at most (`recipients[].email`); a value
 * nested deeper than this (only ever a malformed one, which the log may still be asked to hold) is kept as it is
 * rather than walked into a stack overflow.
 */
export const PERSONAL_DEPTH = 64;

function ownerOf(object: Record<string, unknown>): string | null {
  for (const key of ['email', 'contactEmail']) if (isEmail(object[key])) return object[key];
  return null;
}

/** Every personal address in a value (event data or metadata), to find or make their keys in one round trip. */
export function personalEmailsIn(value: unknown, into: Set<string>, depth = 0): Set<string> {
  if (depth > PERSONAL_DEPTH) return into;
  if (Array.isArray(value)) {
    for (const item of value) personalEmailsIn(item, into, depth + 1);
  } else if (typeof value === 'object' && value !== null && !isSealed(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (EMAIL_KEYS.has(key) && isEmail(item)) into.add(normalEmail(item));
      else if (EMAIL_LIST_KEYS.has(key) && Array.isArray(item)) {
        for (const e of item) if (isEmail(e)) into.add(normalEmail(e));
      } else personalEmailsIn(item, into, depth + 1);
    }
  }
  return into;
}

/** A copy of the value with each personal field sealed under its person; what is not personal is kept as is. */
export function sealPersonalFields(value: unknown, seal: Seal, depth = 0): unknown {
  if (depth > PERSONAL_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => sealPersonalFields(item, seal, depth + 1));
  if (typeof value !== 'object' || value === null || isSealed(value)) return value;
  const object = value as Record<string, unknown>;
  const owner = ownerOf(object);
  const sealed: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(object)) {
    if (EMAIL_KEYS.has(key) && isEmail(item)) sealed[key] = seal(item, item);
    else if (EMAIL_LIST_KEYS.has(key) && Array.isArray(item)) {
      sealed[key] = item.map((e) => (isEmail(e) ? seal(e, e) : e));
    } else if (OWNED_KEYS.has(key) && owner && typeof item === 'string') sealed[key] = seal(owner, item);
    else sealed[key] = sealPersonalFields(item, seal, depth + 1);
  }
  return sealed;
}

/** The person ids of every sealed value in a stored value. */
export function sealedPeopleIn(value: unknown, into: Set<string>, depth = 0): Set<string> {
  if (depth > PERSONAL_DEPTH) return into;
  if (Array.isArray(value)) {
    for (const item of value) sealedPeopleIn(item, into, depth + 1);
  } else if (isSealed(value)) {
    into.add(value.pii);
  } else if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) sealedPeopleIn(item, into, depth + 1);
  }
  return into;
}

/** Replaces, in place, every sealed value of a stored value by what `open` makes of it. */
export function openSealedFields(
  value: unknown,
  open: (sealed: SealedPersonal) => string,
  depth = 0,
): unknown {
  if (isSealed(value)) return open(value);
  if (depth > PERSONAL_DEPTH) return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = openSealedFields(value[i], open, depth + 1);
  } else if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) object[key] = openSealedFields(object[key], open, depth + 1);
  }
  return value;
}
