import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { Observable } from 'rxjs';
import { RequestWithActor } from '../../../http/src/index.js';
import { CycleNames } from './cycle-names.js';

/**
 * Resolves the `cycleId` and `returnId` route parameters of every controller (API and pages) before they are
 * read, so a partnership's people can write `/cycles/y1-2019-20` for their cycle `<partnership>~y1-2019-20`.
 */
@Injectable()
export class CycleNameInterceptor implements NestInterceptor {
  constructor(@Inject(CycleNames) private readonly names: CycleNames) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() === 'http') {
      const request = context.switchToHttp().getRequest<RequestWithActor>();
      const partnershipId = request.actor?.partnershipId;
      const params = request.params as Record<string, string> | undefined;
      if (partnershipId && params) {
        if (params.cycleId) params.cycleId = await this.names.cycleId(partnershipId, params.cycleId);
        if (params.returnId) params.returnId = await this.names.returnId(partnershipId, params.returnId);
      }
    }
    return next.handle();
  }
}
