import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import {
  Clock,
  Actor,
  DomainError,
  samePartnershipOr404,
  ANYONE_SIGNED_IN,
} from '../../../kernel/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { CurrentActor, Optional, parseAsAt, Roles } from '../../../http/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { CycleRepository } from '../../../returns/src/index.js';
import { buildCycleStatus, CycleStatus } from './cycle-status.js';
import { statusInputFromEvents } from './cycle-status.from-events.js';

export class CycleStatusQuery {
  @ApiPropertyOptional({
    description: 'The status as it stood at this instant',
    example: '2020-04-30T12:00:00Z',
  })
  @Optional()
  @IsString()
  @MaxLength(40)
  asAt?: string;
}

@ApiTags('reports')
@Controller('cycles')
export class CycleStatusHttp {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get(':cycleId/status')
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: 'Who has and has not returned: counts by state per agency and per theme, overdue returns, rates',
    description:
      'Overdue returns with days overdue and chases sent; completeness (submitted or approved over requested, ' +
      'withdrawn left out) and timeliness by the original and by the extended due date. `asAt` replays the ' +
      'events up to an instant. Agency leads see only their agency.',
  })
  @ApiOkResponse({ description: 'The status of the cycle' })
  async status(
    @Param('cycleId') cycleId: string,
    @Query() query: CycleStatusQuery,
    @CurrentActor() actor: Actor,
  ): Promise<CycleStatus> {
    const now = this.clock.now();
    const asAt = parseAsAt(query.asAt, now) ?? null;
    const { state: cycle } = await this.cycles.load(cycleId, asAt ?? undefined);
    if (cycle.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(actor, cycle.partnershipId, 'cycle', cycleId);
    const input = await statusInputFromEvents(this.store, this.plans, cycle, now, asAt);
    if (actor.role === 'agency-lead')
      input.returns = input.returns.filter((r) => r.agencyId === actor.agencyId);
    return buildCycleStatus(input);
  }
}
