import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Actor, DomainError, PersonRole } from '../../kernel/src/index.js';

/**
 * Who may use a route: anyone at all (sign-in, health, the landing page of a submission link), or the signed-in
 * people of the roles named, with the sentence a refused person reads. Every route says one or the other: the
 * RolesGuard refuses a route that says nothing, so forgetting is never the same as opening it.
 */
export type RouteAccess =
  | { readonly public: true }
  | { readonly public: false; readonly roles: readonly PersonRole[]; readonly refusal: string };

/** A route's method or its controller class, as Nest's Reflector takes them. */
type RouteTarget = Parameters<Reflector['getAllAndOverride']>[1][number];

export const ROUTE_ACCESS = 'partner-returns:route-access';

/** The people who may use this route (or every route of this controller), and what the others are told. */
export const Roles = (roles: readonly PersonRole[], refusal = 'Your role does not allow this') =>
  SetMetadata(ROUTE_ACCESS, { public: false, roles, refusal } satisfies RouteAccess);

/** Anyone may use this route, signed in or not: it must decide nothing by who is asking. */
export const Public = () => SetMetadata(ROUTE_ACCESS, { public: true } satisfies RouteAccess);

/** What a route declares: on the method if it says, else on its controller; undefined if neither does. */
export function routeAccess(
  reflector: Reflector,
  handler: RouteTarget,
  controller: RouteTarget,
): RouteAccess | undefined {
  return reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [handler, controller]);
}

/**
 * Why this actor may not use a route declaring `access`, or null when they may: the one rule, used by the
 * guard and by the queue dashboard (which Bull Board serves outside Nest's routes).
 */
export function refusalOf(
  access: RouteAccess,
  actor: Actor | undefined,
): { status: 401 | 403; message: string } | null {
  if (access.public) return null;
  if (!actor) return { status: 401, message: 'Sign in first' };
  return access.roles.includes(actor.role as PersonRole) ? null : { status: 403, message: access.refusal };
}

/** The refusal of a role, as every rule says it: a 'forbidden' DomainError (403, problem+json or the page). */
export function roleRefused(message: string): DomainError {
  return new DomainError('forbidden', message, 'forbidden');
}
