import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { CurrentActor } from '../../../http/src/index.js';
import { PlanRepository } from '../../../plan/src/plan.repository.js';
import { CycleRepository } from '../../../returns/src/cycle/cycle.repository.js';
import { Actor, DomainError, samePartnershipOr404 } from '../../../returns/src/domain-error.js';
import { buildCycleReport, CycleReport } from './cycle-report.js';

@ApiTags('reports')
@Controller('cycles')
export class CycleReportHttp {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
  ) {}

  /** The monitoring report of a cycle, from the reporting read model (approved returns only). */
  @Get(':cycleId/report')
  async report(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor): Promise<CycleReport> {
    const { state: cycle } = await this.cycles.load(cycleId);
    if (cycle.status === 'none') throw new DomainError('cycle-not-found', `No cycle ${cycleId}`, 404);
    samePartnershipOr404(actor, cycle.partnershipId, 'cycle', cycleId);
    const plan = await this.plans.plan(cycle.partnershipId, cycle.planId);
    if (plan.status === 'none') throw new DomainError('plan-not-found', "The cycle's plan is missing", 404);
    return buildCycleReport(this.dataSource, cycle, plan);
  }
}
