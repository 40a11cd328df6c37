import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { RequestWithActor } from '../../../../libs/http/src/index.js';
import { Actor } from '../../../../libs/returns/src/domain-error.js';

const ROLES: Actor['role'][] = ['coordinator', 'reviewer', 'viewer', 'agency-lead'];

/**
 * Stand-in for staff sign-in and submission links until they land (issue 3): outside production the caller
 * names itself with X-Actor-Id / X-Actor-Role / X-Actor-Partnership / X-Actor-Agency. It is never registered in production, so
 * there every command answers 401.
 */
@Injectable()
export class DevActorMiddleware implements NestMiddleware {
  use(req: RequestWithActor, _res: Response, next: NextFunction): void {
    const id = req.header('x-actor-id');
    const role = req.header('x-actor-role') as Actor['role'] | undefined;
    const partnershipId = req.header('x-actor-partnership');
    if (id && role && partnershipId && ROLES.includes(role)) {
      req.actor = {
        id,
        partnershipId,
        role,
        ...(role === 'agency-lead' ? { agencyId: req.header('x-actor-agency') ?? '' } : {}),
      };
    }
    next();
  }
}
