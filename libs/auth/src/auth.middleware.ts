import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { RequestWithActor } from '../../http/src/index.js';
import { AuthService } from './auth.service.js';

export const SESSION_COOKIE = 'pr_session';

/** Who is asking: an API client's bearer token, or else the session cookie of a signed-in page or link holder. */
@Injectable()
export class AuthMiddleware implements NestMiddleware {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  async use(req: RequestWithActor, res: Response, next: NextFunction): Promise<void> {
    try {
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1];
      const session = (req as { cookies?: Record<string, string> }).cookies?.[SESSION_COOKIE];
      const actor = bearer
        ? await this.auth.resolveBearer(bearer)
        : session
          ? await this.auth.resolveSession(session)
          : null;
      if (actor) {
        req.actor = actor;
        // Page templates offer "Sign out" only to someone signed in.
        res.locals.signedIn = true;
      }
      next();
    } catch (error) {
      next(error);
    }
  }
}
