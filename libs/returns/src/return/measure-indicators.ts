import { Inject, Injectable } from '@nestjs/common';
import { Indicator, PlanRepository } from '../../../plan/src/index.js';
import { ReturnFacts } from './return.state.js';

/** The indicators the plan declares now for a return's measure: what its values are checked against. */
@Injectable()
export class MeasureIndicators {
  constructor(@Inject(PlanRepository) private readonly plans: PlanRepository) {}

  async of(facts: Pick<ReturnFacts, 'partnershipId' | 'planId' | 'measureRef'>): Promise<Indicator[]> {
    const plan = await this.plans.plan(facts.partnershipId, facts.planId);
    return plan.status === 'adopted' ? (plan.measures.get(facts.measureRef)?.indicators ?? []) : [];
  }
}
