import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { Actor, samePartnershipOr404, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import { GetPlan } from './get-plan.query.js';
import { PlanView } from './plan-view.js';

@ApiTags('plan')
@Controller('partnerships/:partnershipId')
export class GetPlanHttp {
  constructor(@Inject(GetPlan) private readonly query: GetPlan) {}

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
    return this.query.view(partnershipId, planId);
  }
}
