import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor } from '../../../http/src/index.js';
import { Actor, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';
import { AgenciesView, ListAgencies } from './list-agencies.query.js';

@ApiTags('plan')
@Controller('partnerships/:partnershipId')
export class ListAgenciesHttp {
  constructor(@Inject(ListAgencies) private readonly query: ListAgencies) {}

  @Get('agencies')
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
    if (actor.role === 'agency-lead') {
      throw new DomainError('forbidden', "Agency leads cannot list other agencies' contacts", 'forbidden');
    }
    return this.query.list(partnershipId);
  }
}
