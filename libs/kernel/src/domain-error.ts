import { TEXT_FAULT_MESSAGES, textFault } from './storable-text.js';

/**
 * What kind of "no" a rule said. The rules know nothing of HTTP: the HTTP edge (libs/http, statusOf) answers each
 * kind with its status, in one place.
 * - 'forbidden': the actor's role or agency may not do this;
 * - 'not-found': no such thing (or one the actor may not know of, answered the same);
 * - 'conflict': the thing's state forbids it now (the default);
 * - 'gone': it was there and is no longer usable, such as a link of a closed cycle;
 * - 'unprocessable': the request itself breaks a rule (missing reason, RAG not given);
 * - 'too-many': too many attempts; come back later.
 */
export type DomainErrorKind = 'forbidden' | 'not-found' | 'conflict' | 'gone' | 'unprocessable' | 'too-many';

export const DOMAIN_ERROR_KINDS: readonly DomainErrorKind[] = [
  'forbidden',
  'not-found',
  'conflict',
  'gone',
  'unprocessable',
  'too-many',
];

/** A rule said no. `code` is stable for clients; `kind` says what kind of refusal it is (see DomainErrorKind). */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly kind: DomainErrorKind = 'conflict',
    readonly field?: string,
    /** More for the client, such as every problem of a rejected file; added to the problem+json body. */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export interface Actor {
  id: string;
  /** The partnership the actor works in: nothing of another partnership is ever visible to them. */
  partnershipId: string;
  role: 'coordinator' | 'reviewer' | 'board' | 'viewer' | 'agency-lead' | 'system';
  /** For agency leads: the agency the link was issued for. */
  agencyId?: string;
  /** For agency leads: the cycle the link was issued for; nothing of other cycles is visible through it. */
  cycleId?: string;
}

/**
 * A reason is read by people later (the history, the audit): it must hold a letter, a digit or a symbol. A
 * right-to-left mark and combining accents on nothing trim to something, yet say nothing and show as blank.
 */
const READABLE = /[\p{L}\p{N}\p{S}]/u;

/**
 * The longest reason, however it comes: the API's bodies say so (400), and the rule holds it for the pages, whose
 * forms reach the rule without them (a send-back reason of half a megabyte went into its event twice, every page
 * of the return's history and the lead's mail).
 */
export const REASON_MAX_LENGTH = 2000;

export function requireReason(reason: unknown, what: string): string {
  const trimmed = typeof reason === 'string' ? reason.trim() : '';
  if (!READABLE.test(trimmed))
    throw new DomainError('reason-required', `A reason is required to ${what}`, 'unprocessable', 'reason');
  if (trimmed.length > REASON_MAX_LENGTH)
    throw new DomainError(
      'reason-too-long',
      `The reason must be ${REASON_MAX_LENGTH} characters or fewer`,
      'unprocessable',
      'reason',
    );
  const fault = textFault(trimmed);
  if (fault)
    throw new DomainError(
      'malformed-text',
      `The reason ${TEXT_FAULT_MESSAGES[fault]}`,
      'unprocessable',
      'reason',
    );
  return trimmed;
}

/**
 * Another partnership's thing (or, through a submission link, another cycle's) is answered exactly like a
 * missing one: its existence is not disclosed.
 */
export function samePartnershipOr404(
  actor: Actor,
  partnershipId: string,
  what: string,
  cycleId?: string,
): void {
  const otherCycle = actor.cycleId !== undefined && cycleId !== undefined && actor.cycleId !== cycleId;
  if (actor.role !== 'system' && (actor.partnershipId !== partnershipId || otherCycle)) {
    throw new DomainError(`${what}-not-found`, `No such ${what}`, 'not-found');
  }
}
