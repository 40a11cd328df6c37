import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor, DomainError, samePartnershipOr404, ANY_STAFF } from '../../../kernel/src/index.js';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { CycleReturns } from '../cycle-returns.js';
import { ChaseScheduleQuery } from './chase-schedule.query.js';

/** The planned chases of a cycle: the policy's steps from the cycle's due date, and where each agency stands. */
@ApiTags('chasing')
@Controller('cycles/:cycleId')
export class ChaseScheduleHttp {
  constructor(
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(ChaseScheduleQuery) private readonly query: ChaseScheduleQuery,
  ) {}

  @Get('chase-schedule')
  @Roles(ANY_STAFF, 'Only staff see the chase schedule')
  @ApiOperation({ summary: 'The planned chase steps of a cycle, and each agency’s next one (staff)' })
  async schedule(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor) {
    const { cycle, returns } = await this.cycleReturns.load(cycleId);
    if (cycle.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(actor, cycle.partnershipId, 'cycle', cycleId);
    return this.query.schedule(cycle, returns);
  }
}
