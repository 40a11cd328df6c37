import { ReturnContent } from '../return/return-content.js';

/**
 * What a draft says, with what says nothing left out: a field that is absent, null, empty or an empty list, and
 * indicator values of which none is known. The web form sends every field of its step, empty ones too, while a
 * requested return holds no content at all: the two say the same.
 */
function said(content: ReturnContent): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(content).filter(([field, value]) => {
      if (value === undefined || value === null || value === '') return false;
      if (Array.isArray(value) && value.length === 0) return false;
      if (field === 'indicators') return (value as { value: unknown }[]).some((v) => v.value !== null);
      return true;
    }),
  );
}

/** The same value, field by field and item by item (the order of an object's keys aside). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const keys = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const others = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    keys.length === others.length &&
    keys.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/**
 * A draft that says what the return already says changes nothing: "Save and continue" pressed on a step left as
 * it was, or an API client saving again what it saved. Both contents are compared as stored (LF line endings).
 */
export const draftUnchanged = (draft: ReturnContent, current: ReturnContent): boolean =>
  same(said(draft), said(current));
