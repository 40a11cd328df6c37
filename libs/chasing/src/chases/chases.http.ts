import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { Actor, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';
import { CycleReturns } from '../cycle-returns.js';
import { CycleChases } from './chases.query.js';

/** Every chase of a cycle and what became of each mail: sent (with its message id) or failed (with why). */
@ApiTags('chasing')
@Controller('cycles/:cycleId')
export class ChasesHttp {
  constructor(
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(CycleChases) private readonly query: CycleChases,
  ) {}

  @Get('chases')
  @Roles(['coordinator'], 'Only a coordinator sees the chases')
  @ApiOperation({ summary: 'Chases sent, asked for and failed in a cycle (coordinator)' })
  async chases(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor) {
    const { cycle, returns } = await this.cycleReturns.load(cycleId);
    if (cycle.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(actor, cycle.partnershipId, 'cycle', cycleId);
    return this.query.log(cycleId, returns);
  }
}
