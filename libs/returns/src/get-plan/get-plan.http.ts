import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { Actor, DomainError, samePartnershipOr404, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import { PartnershipIndex } from '../partnership-index.js';
import { PlanView, toPlanView } from './plan-view.js';

@ApiTags('plan')
@Controller('partnerships/:partnershipId')
export class GetPlanHttp {
  constructor(
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(PartnershipIndex) private readonly index: PartnershipIndex,
  ) {}

  @Get('plan')
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: "The partnership's plan: themes in order with ambition, lead agencies, priorities and measures",
    description:
      'The most recently adopted plan, or the one named by planId. Anyone of the partnership may read it.',
  })
  @ApiQuery({
    name: 'planId',
    required: false,
    description: 'A plan other than the latest, such as an earlier one',
  })
  @ApiOkResponse({ description: 'The plan' })
  async plan(
    @Param('partnershipId') partnershipId: string,
    @Query('planId') planId: string | undefined,
    @CurrentActor() actor: Actor,
  ): Promise<PlanView> {
    samePartnershipOr404(actor, partnershipId, 'partnership');
    const id = planId ?? (await this.index.planIds(partnershipId)).at(-1);
    const plan = id ? await this.plans.plan(partnershipId, id) : { status: 'none' as const };
    if (plan.status === 'none')
      throw new DomainError('plan-not-found', 'The partnership has no such plan', 'not-found');
    return toPlanView(plan, await this.plans.partnership(partnershipId));
  }
}
