import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Clock } from '../../../config/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { CurrentActor } from '../../../http/src/index.js';
import { Actor, DomainError } from '../domain-error.js';
import { canSeeReturn } from '../return/return-visibility.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { ReturnView, toReturnView } from './return-view.js';

@ApiTags('returns')
@Controller('returns')
export class GetReturnHttp {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** One return with its full history: every event with actor, role, time and reason. */
  @Get(':returnId')
  @ApiOperation({
    summary: 'One return with its full history',
    description:
      'The working content and the approved content (each narrative also as safe HTML), and every event with ' +
      'actor, role, time and reason. The ETag is the version to send back as If-Match.',
  })
  @ApiOkResponse({ description: 'The return' })
  async get(
    @Param('returnId') returnId: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReturnView> {
    const events = await this.store.readStream<ReturnEvent>(returnStreamId(returnId));
    const view = toReturnView(events, this.clock.now(), true);
    if (!view || !canSeeReturn(actor, view)) {
      throw new DomainError('return-not-found', `No return ${returnId}`, 404);
    }
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }
}
