import { Actor, DomainError, DomainErrorKind } from '../../libs/kernel/src/index.js';

/**
 * What the given-events / when-command / then-events specs of the domain rules share: the refusal check and
 * the cast of people in partnership "lsp". Test-only; nothing in the product imports it.
 */

/** The command must be refused with exactly this DomainError (the field only when one is named). */
export function thenError(
  act: () => unknown,
  code: string,
  kind: DomainErrorKind,
  field?: string,
): DomainError {
  let caught: unknown;
  try {
    act();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(DomainError);
  const error = caught as DomainError;
  expect({ code: error.code, kind: error.kind, field: error.field }).toEqual({ code, kind, field });
  return error;
}

export const coordinator: Actor = { id: 'cora', partnershipId: 'lsp', role: 'coordinator' };
export const reviewer: Actor = { id: 'rita', partnershipId: 'lsp', role: 'reviewer' };
export const otherReviewer: Actor = { id: 'rob', partnershipId: 'lsp', role: 'reviewer' };
export const viewer: Actor = { id: 'vic', partnershipId: 'lsp', role: 'viewer' };
/** The lead of agency "kcc", and of "csp". */
export const lead: Actor = { id: 'ann', partnershipId: 'lsp', role: 'agency-lead', agencyId: 'kcc' };
export const otherLead: Actor = { id: 'bob', partnershipId: 'lsp', role: 'agency-lead', agencyId: 'csp' };
