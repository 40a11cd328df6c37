import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { RequestWithActor, signedInActor } from './actor.js';
import { refusalOf, roleRefused, routeAccess } from './roles.js';

/**
 * The first line of defence, for every route of the app (APP_GUARD): the route's @Roles or @Public against the
 * actor the authentication middleware put on the request. Nobody signed in hears 401 and a role not named
 * hears 403 with the route's sentence, exactly as the checks it replaces answered (pages render them through
 * PageErrorFilter). The rules (decide) keep their own checks as the last line. A route declaring nothing is a
 * programming mistake: it is refused loudly (500, logged) rather than left open.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(@Inject(Reflector) private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const access = routeAccess(this.reflector, context.getHandler(), context.getClass());
    if (!access) {
      throw new Error(
        `${context.getClass().name}.${context.getHandler().name} declares neither @Roles(...) nor @Public()`,
      );
    }
    const request = context.switchToHttp().getRequest<RequestWithActor>();
    const refusal = refusalOf(access, request.actor);
    if (refusal?.status === 401) signedInActor(request);
    if (refusal) throw roleRefused(refusal.message);
    return true;
  }
}
