import { Body, Controller, Get, Inject, Param, Post, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { LinksAdmin } from '../../../auth/src/index.js';
import { CorrelationId, CurrentActor, PageErrorFilter, PageMessage, Roles } from '../../../http/src/index.js';
import { Actor } from '../../../kernel/src/index.js';
import { GetCycle } from '../../../returns/src/index.js';
import { act, Form } from '../coordinate/coordinator.js';
import { CyclePlanWords } from '../plan-words.js';
import { staffNavigation } from '../review.pages.js';
import { formText } from '../form-fields.js';

/**
 * A cycle's submission links by agency: who holds one, whether it works and how often it was used; revoke one
 * link, or revoke an agency's and mail its lead contacts new ones (through LinksAdmin, as the API does).
 */
@ApiExcludeController()
@Controller('coordinate/cycles/:cycleId/links')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'Only a coordinator manages links')
export class CycleLinksPages {
  constructor(
    @Inject(LinksAdmin) private readonly links: LinksAdmin,
    @Inject(GetCycle) private readonly cycles: GetCycle,
    @Inject(CyclePlanWords) private readonly words: CyclePlanWords,
  ) {}

  @Get()
  async list(
    @Param('cycleId') cycleId: string,
    @PageMessage('done') done: string | undefined,
    @PageMessage('error') error: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { state: cycle } = await this.cycles.cycle(actor, cycleId);
    const [links, words] = await Promise.all([this.links.list(cycleId, actor), this.words.of(cycle)]);
    const agencyIds = [...new Set(cycle.status === 'drafted' ? [] : cycle.returns.map((r) => r.agencyId))];
    const agencies = agencyIds
      .map((agencyId) => ({
        agencyId,
        name: words.agencyName(agencyId),
        links: links.filter((l) => l.agencyId === agencyId),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
    res.render('pages/coordinate/links', {
      title: `Links: ${cycle.label}`,
      cycle,
      agencies,
      open: cycle.status === 'open',
      done,
      error,
      backLink: `/coordinate/cycles/${encodeURIComponent(cycleId)}`,
      navigation: staffNavigation(actor, '/coordinate'),
    });
  }

  @Post(':linkId/revoke')
  async revoke(
    @Param('cycleId') cycleId: string,
    @Param('linkId') linkId: string,
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    await act(res, this.back(cycleId), async () => {
      await this.links.revoke(
        cycleId,
        linkId,
        reasonOf(form, 'Revoked by the coordinator'),
        actor,
        correlationId,
      );
      return 'The link is revoked: it no longer works, and anyone using it has been signed out';
    });
  }

  @Post('agencies/:agencyId/reissue')
  async reissue(
    @Param('cycleId') cycleId: string,
    @Param('agencyId') agencyId: string,
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    await act(res, this.back(cycleId), async () => {
      const result = await this.links.reissue(
        cycleId,
        agencyId,
        reasonOf(form, 'New link sent by the coordinator'),
        actor,
        correlationId,
      );
      return `New link${result.issued.length === 1 ? '' : 's'} sent to the agency's lead contact${result.issued.length === 1 ? '' : 's'}; the old one no longer works`;
    });
  }

  private back(cycleId: string) {
    return `/coordinate/cycles/${encodeURIComponent(cycleId)}/links`;
  }
}

/** A reason is optional on the page: the event still records one. */
function reasonOf(form: Form, fallback: string): string {
  return formText(form.reason).trim().slice(0, 2000) || fallback;
}
