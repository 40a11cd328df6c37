import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { RequestWithActor } from '../../http/src/index.js';
import { AuthService } from './auth.service.js';

export const SESSION_COOKIE = 'pr_session';

/** Whether a request speaks as a bearer client: then its session cookie, if any, is not read. */
export const isBearer = (authorization: string | undefined): boolean =>
  /^Bearer\s/i.test(authorization ?? '');

/** Who is asking: an API client's bearer token, or else the session cookie of a signed-in page or link holder. */
@Injectable()
export class AuthMiddleware implements NestMiddleware {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  async use(req: RequestWithActor, res: Response, next: NextFunction): Promise<void> {
    try {
      const authorization = req.header('authorization') ?? '';
      const session = (req as { cookies?: Record<string, string> }).cookies?.[SESSION_COOKIE];
      // Any Bearer header speaks for the request, well formed or not: the write rule (csrf.ts) lets a bearer
      // client's write through without looking at its origin, so a malformed one must not fall back to the
      // session cookie beside it (it did: a foreign Origin made an API token with `Bearer x y` and a cookie).
      const bearer = isBearer(authorization);
      const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
      const actor = bearer
        ? token
          ? await this.auth.resolveBearer(token)
          : null
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
