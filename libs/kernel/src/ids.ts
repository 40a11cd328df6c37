import { DomainError } from './domain-error.js';

/**
 * The shapes of the ids that name streams and rows. An id outside them can never name anything, so the rules
 * refuse it before an event could carry it (`cycle:null` once stalled a processor for every partnership).
 */
export const ID_PATTERNS = {
  /** Partnerships, plans, cycles, agencies, themes: lower-case letters, digits and "-" (a UUID is one too). */
  slug: /^[a-z0-9-]{1,64}$/,
  /**
   * A cycle: `<partnership>~<name>` (scoped per partnership, see cycle-id.ts), or a slug alone for cycles
   * drafted before ids were scoped.
   */
  cycleId: /^[a-z0-9-]{1,64}(~[a-z0-9-]{1,64})?$/,
  /** A measure's reference in its plan, such as S1, C3 or Sus4. */
  measureRef: /^[A-Za-z][A-Za-z0-9-]{0,15}$/,
  /** A return is its cycle's id and its measure's reference: sevenoaks-lsp~y1-2019-20.S1. */
  returnId: /^[a-z0-9-]{1,64}(~[a-z0-9-]{1,64})?\.[A-Za-z][A-Za-z0-9-]{0,15}$/,
  /** A submission link's id: 256 random bits, base64url. */
  linkId: /^[A-Za-z0-9_-]{43}$/,
} as const;

export type IdKind = keyof typeof ID_PATTERNS;

export function isWellFormedId(kind: IdKind, value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERNS[kind].test(value);
}

/** Refuses an id that cannot name anything, naming the field it came in. */
export function requireWellFormedId(kind: IdKind, value: unknown, field: string): string {
  if (!isWellFormedId(kind, value)) {
    throw new DomainError(
      'invalid-id',
      `${field} is not a well-formed ${describe[kind]}`,
      'unprocessable',
      field,
    );
  }
  return value;
}

const describe: Record<IdKind, string> = {
  slug: 'id (lower-case letters, digits and "-", at most 64)',
  cycleId: 'cycle id (<partnership>~<name>, each lower-case letters, digits and "-")',
  measureRef: 'measure reference (such as S1)',
  returnId: 'return id (the cycle id, a dot and the measure reference)',
  linkId: 'link id',
};
