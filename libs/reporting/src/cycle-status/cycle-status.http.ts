import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { Clock, Actor, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import { CurrentActor, Optional, parseAsAt, Roles } from '../../../http/src/index.js';
import { CycleStatus } from './cycle-status.js';
import { GetCycleStatus } from './cycle-status.query.js';

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
    @Inject(GetCycleStatus) private readonly cycleStatus: GetCycleStatus,
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
    return this.cycleStatus.status(actor, cycleId, now, asAt);
  }
}
