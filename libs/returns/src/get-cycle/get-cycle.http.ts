import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  Clock,
  Actor,
  DomainError,
  samePartnershipOr404,
  ANYONE_SIGNED_IN,
} from '../../../kernel/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { CycleRepository } from '../cycle/cycle.repository.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { toReturnView } from '../get-return/return-view.js';

@ApiTags('cycles')
@Controller('cycles')
export class GetCycleHttp {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** The cycle and its returns with their states (an agency lead sees only their agency's). */
  @Get(':cycleId')
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: 'A cycle and the state of each of its returns',
    description:
      'Who has and has not returned, with due dates and overdue flags. Agency leads see only theirs. ' +
      'The ETag is the version to send back as If-Match when opening, extending or closing it.',
  })
  @ApiOkResponse({ description: 'The cycle' })
  async get(
    @Param('cycleId') cycleId: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ) {
    const { state, version } = await this.cycles.load(cycleId);
    if (state.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(actor, state.partnershipId, 'cycle', cycleId);
    res.setHeader('ETag', `"${version}"`);
    const requested = state.status === 'drafted' ? [] : state.returns;
    const streams = await this.store.readStreams<ReturnEvent>(
      requested.map((r) => returnStreamId(r.returnId)),
    );
    const now = this.clock.now();
    const returns = requested
      .map((r) => toReturnView(streams.get(returnStreamId(r.returnId)) ?? [], now, false))
      .filter((v) => v !== null)
      .filter((v) => actor.role !== 'agency-lead' || v.agencyId === actor.agencyId)
      .map(({ content: _content, approved: _approved, ...summary }) => summary);
    const { status, cycleId: id, partnershipId, planId, label, periodStart, periodEnd, dueDate } = state;
    return {
      cycleId: id,
      version,
      status,
      partnershipId,
      planId,
      label,
      periodStart,
      periodEnd,
      dueDate,
      returns,
    };
  }
}
