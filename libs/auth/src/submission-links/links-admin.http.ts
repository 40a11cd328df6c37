import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { CorrelationId, CurrentActor, Roles } from '../../../http/src/index.js';
import { Actor } from '../../../kernel/src/index.js';
import { ReasonDto } from '../../../returns/src/index.js';
import { LinksAdmin } from './links-admin.service.js';

/** The coordinator's view of a cycle's links: who holds one, whether it was used; revoke and reissue. */
@ApiTags('submission links')
@Controller('cycles/:cycleId')
export class LinksAdminHttp {
  constructor(@Inject(LinksAdmin) private readonly links: LinksAdmin) {}

  @Get('links')
  @Roles(['coordinator'], 'Only a coordinator manages links')
  async list(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor) {
    return { links: await this.links.list(cycleId, actor) };
  }

  @Post('links/:linkId/revoke')
  @Roles(['coordinator'], 'Only a coordinator can issue or revoke links')
  @HttpCode(200)
  revoke(
    @Param('cycleId') cycleId: string,
    @Param('linkId') linkId: string,
    @Body() body: ReasonDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ) {
    return this.links.revoke(cycleId, linkId, body.reason, actor, correlationId);
  }

  /** Revokes the agency's live links and issues each of its current lead contacts a new one, mailed at once. */
  @Post('agencies/:agencyId/links/reissue')
  @Roles(['coordinator'], 'Only a coordinator can issue or revoke links')
  @HttpCode(200)
  reissue(
    @Param('cycleId') cycleId: string,
    @Param('agencyId') agencyId: string,
    @Body() body: ReasonDto,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
  ) {
    return this.links.reissue(cycleId, agencyId, body.reason, actor, correlationId);
  }
}
