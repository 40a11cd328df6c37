import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { Actor, ANY_STAFF, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';

export interface AgencyView {
  agencyId: string;
  name: string;
  /** No longer taking part: kept so that past returns still name their agency. */
  retired: boolean;
  contacts: { name: string; email: string; role: string }[];
}

@ApiTags('plan')
@Controller('partnerships/:partnershipId')
export class ListAgenciesHttp {
  constructor(@Inject(PlanRepository) private readonly plans: PlanRepository) {}

  @Get('agencies')
  @Roles(ANY_STAFF, "Agency leads cannot list other agencies' contacts")
  @ApiOperation({
    summary: "The partnership's agencies and their contacts (staff only)",
    description: "Names and email addresses of other agencies' people: an agency lead gets 403.",
  })
  @ApiOkResponse({ description: 'The agencies, in the order they joined' })
  async agencies(
    @Param('partnershipId') partnershipId: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ partnershipId: string; name: string; agencies: AgencyView[] }> {
    samePartnershipOr404(actor, partnershipId, 'partnership');
    const partnership = await this.plans.partnership(partnershipId);
    if (partnership.status === 'none') {
      throw new DomainError('partnership-not-found', 'No such partnership', 'not-found');
    }
    return {
      partnershipId,
      name: partnership.name,
      agencies: [...partnership.agencies.values()].map((a) => ({
        agencyId: a.id,
        name: a.name,
        retired: a.retired,
        contacts: [...a.contacts.values()].map(({ name, email, role }) => ({ name, email, role })),
      })),
    };
  }
}
