import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../../kernel/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { PartnershipIndex } from '../partnership-index.js';
import { PlanView, toPlanView } from './plan-view.js';

/** The plan as the API and the plan page show it (the fold is toPlanView). */
@Injectable()
export class GetPlan {
  constructor(
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(PartnershipIndex) private readonly index: PartnershipIndex,
  ) {}

  /** The plan named, or the most recently adopted one; null when there is none. */
  async load(partnershipId: string, planId?: string): Promise<PlanView | null> {
    const id = planId ?? (await this.index.planIds(partnershipId)).at(-1);
    const plan = id ? await this.plans.plan(partnershipId, id) : { status: 'none' as const };
    if (plan.status === 'none') return null;
    return toPlanView(plan, await this.plans.partnership(partnershipId));
  }

  async view(partnershipId: string, planId?: string): Promise<PlanView> {
    const view = await this.load(partnershipId, planId);
    if (!view) throw new DomainError('plan-not-found', 'The partnership has no such plan', 'not-found');
    return view;
  }
}
