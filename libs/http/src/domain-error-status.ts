import { DomainError, DomainErrorKind } from '../../kernel/src/index.js';

/**
 * The one place a rule's refusal gets its HTTP status: the rules say what kind of "no" it is, the edge says how
 * HTTP answers it. Both the problem+json filter and the error pages read it.
 */
export const STATUS_OF_KIND: Readonly<Record<DomainErrorKind, number>> = Object.freeze({
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  gone: 410,
  unprocessable: 422,
  'too-many': 429,
});

export function statusOf(error: DomainError): number {
  return STATUS_OF_KIND[error.kind];
}
