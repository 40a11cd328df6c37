/**
 * A rule said no. `code` is stable for clients; `status` is how the API answers: 409 when the thing's state
 * forbids it now, 422 when the request itself breaks a rule (missing reason, RAG not given).
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: 403 | 404 | 409 | 422 = 409,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export interface Actor {
  id: string;
  role: 'coordinator' | 'reviewer' | 'viewer' | 'agency-lead' | 'system';
  /** For agency leads: the agency the link was issued for. */
  agencyId?: string;
}

export function requireReason(reason: string | undefined | null, what: string): string {
  const trimmed = reason?.trim() ?? '';
  if (!trimmed) throw new DomainError('reason-required', `A reason is required to ${what}`, 422, 'reason');
  return trimmed;
}
