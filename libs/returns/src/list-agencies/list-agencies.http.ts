import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { Actor, samePartnershipOr404, ANY_STAFF } from '../../../kernel/src/index.js';
import { AgenciesView, ListAgencies } from './list-agencies.query.js';

@ApiTags('plan')
@Controller('partnerships/:partnershipId')
export class ListAgenciesHttp {
  constructor(@Inject(ListAgencies) private readonly query: ListAgencies) {}

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
  ): Promise<AgenciesView> {
    samePartnershipOr404(actor, partnershipId, 'partnership');
    return this.query.list(partnershipId);
  }
}
