import { TEXT_FAULT_MESSAGES, textFault } from './well-formed/storable-text.js';

/**
 * A rule said no. `code` is stable for clients; `status` is how the API answers: 409 when the thing's state
 * forbids it now, 422 when the request itself breaks a rule (missing reason, RAG not given).
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 403 | 404 | 409 | 410 | 422 | 429 = 409,
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
  role: 'coordinator' | 'reviewer' | 'viewer' | 'agency-lead' | 'system';
  /** For agency leads: the agency the link was issued for. */
  agencyId?: string;
  /** For agency leads: the cycle the link was issued for; nothing of other cycles is visible through it. */
  cycleId?: string;
}

export function requireReason(reason: unknown, what: string): string {
  const trimmed = typeof reason === 'string' ? reason.trim() : '';
  if (!trimmed) throw new DomainError('reason-required', `A reason is required to ${what}`, 422, 'reason');
  const fault = textFault(trimmed);
  if (fault)
    throw new DomainError('malformed-text', `The reason ${TEXT_FAULT_MESSAGES[fault]}`, 422, 'reason');
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
    throw new DomainError(`${what}-not-found`, `No such ${what}`, 404);
  }
}
