import { createParamDecorator, ExecutionContext, UnauthorizedException } from '@nestjs/common';
import type { Request } from 'express';
import { Actor } from '../../returns/src/domain-error.js';

export type RequestWithActor = Request & { actor?: Actor; id?: string | number };

/** The signed-in actor of this request, set by the authentication middleware. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<RequestWithActor>();
  if (!request.actor) {
    throw new UnauthorizedException({
      type: 'https://partner-returns.dev/problems/unauthenticated',
      title: 'Sign in first',
      status: 401,
    });
  }
  return request.actor;
});

/** The request's correlation id (from X-Correlation-Id, or generated), stored in every event's metadata. */
export const CorrelationId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const request = ctx.switchToHttp().getRequest<RequestWithActor>();
  return String(request.id ?? 'unknown');
});
