import { createParamDecorator, ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { Actor } from '../../kernel/src/index.js';

export type RequestWithActor = Request & { actor?: Actor; id?: string | number };

/** The signed-in actor of a request (set by the authentication middleware), or 401. */
export function signedInActor(request: RequestWithActor): Actor {
  if (!request.actor) throw notSignedIn();
  return request.actor;
}

/** Nobody is signed in: 401, problem+json `unauthenticated` (or the sign-in page, for pages). */
export function notSignedIn(): UnauthorizedException {
  return new UnauthorizedException({
    type: 'https://partner-returns.dev/problems/unauthenticated',
    title: 'Sign in first',
    status: 401,
    code: 'unauthenticated',
  });
}

/** The signed-in actor of this request. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor =>
  signedInActor(ctx.switchToHttp().getRequest<RequestWithActor>()),
);

/** The request's correlation id (from X-Correlation-Id, or generated), stored in every event's metadata. */
export const CorrelationId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<RequestWithActor>();
  return String(request.id ?? 'unknown');
});
