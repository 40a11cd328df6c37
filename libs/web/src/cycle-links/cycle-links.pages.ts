import { Body, Controller, Get, Inject, Param, Post, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { LinksAdmin } from '../../../auth/src/index.js';
import {
  CorrelationId,
  CurrentActor,
  PageErrorFilter,
  PageMessage,
  Roles,
  statusOf,
} from '../../../http/src/index.js';
import { Actor, DomainError, requireReason } from '../../../kernel/src/index.js';
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
    await this.render(res, 200, actor, cycleId, { done, error });
  }

  private async render(
    res: Response,
    status: number,
    actor: Actor,
    cycleId: string,
    messages: { done?: string; error?: string; refused?: RefusedReason },
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
    const open = cycle.status === 'open';
    const { refused } = messages;
    // The refused form's box is on the page only while its link is live (or its agency listed) and the cycle open.
    const boxShown =
      open &&
      (refused?.linkId
        ? links.some((l) => l.linkId === refused.linkId && !l.revoked)
        : agencies.some((a) => a.agencyId === refused?.agencyId));
    const toCopy = refused && !boxShown && refused.reason.trim() ? refused.reason : '';
    res.status(status).render('pages/coordinate/links', {
      title: refused ? `Error: Links: ${cycle.label}` : `Links: ${cycle.label}`,
      cycle,
      agencies,
      open,
      ...messages,
      refused: refused && {
        ...refused,
        toCopy,
        href: boxShown
          ? `#${refused.linkId ? `reason-revoke-${refused.linkId}` : `reason-reissue-${refused.agencyId}`}`
          : toCopy
            ? '#typed-reason'
            : '#links',
      },
      backLink: `/coordinate/cycles/${encodeURIComponent(cycleId)}`,
      navigation: staffNavigation(actor, '/coordinate'),
    });
  }

  /**
   * A page action with a reason: the rule's word on the reason (too long, unreadable) comes back beside the box it
   * was typed in, with what was typed (422); any other refusal (the agency with no lead contact to send a link to,
   * the link revoked meanwhile) in the error summary, with the rule's status and what was typed still in its box,
   * or shown to copy when the box is gone (the link revoked, the cycle closed meanwhile). The redirect to the
   * page's summary lost it.
   */
  private async withReason(
    res: Response,
    actor: Actor,
    cycleId: string,
    refusedAt: Omit<RefusedReason, 'text' | 'reason' | 'beside'>,
    given: Form['reason'],
    action: (reason: string) => Promise<string>,
  ) {
    const typed = formText(given);
    let reason: string;
    try {
      reason = reasonOf(
        typed,
        refusedAt.linkId ? 'Revoked by the coordinator' : 'New link sent by the coordinator',
      );
    } catch (error) {
      if (!(error instanceof DomainError) || error.field !== 'reason') throw error;
      return this.render(res, 422, actor, cycleId, {
        refused: { ...refusedAt, text: error.message, reason: typed, beside: true },
      });
    }
    await act(
      res,
      this.back(cycleId),
      () => action(reason),
      async (error) => {
        await this.render(res, statusOf(error), actor, cycleId, {
          refused: { ...refusedAt, text: error.message, reason: typed, beside: error.field === 'reason' },
        });
        return true;
      },
    );
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
    await this.withReason(res, actor, cycleId, { linkId }, form.reason, async (reason) => {
      await this.links.revoke(cycleId, linkId, reason, actor, correlationId);
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
    await this.withReason(res, actor, cycleId, { agencyId }, form.reason, async (reason) => {
      const result = await this.links.reissue(cycleId, agencyId, reason, actor, correlationId);
      return `New link${result.issued.length === 1 ? '' : 's'} sent to the agency's lead contact${result.issued.length === 1 ? '' : 's'}; the old one no longer works`;
    });
  }

  private back(cycleId: string) {
    return `/coordinate/cycles/${encodeURIComponent(cycleId)}/links`;
  }
}

/** Which form's reason was refused, why, and what was typed in it. */
interface RefusedReason {
  linkId?: string;
  agencyId?: string;
  text: string;
  reason: string;
  /** The rule is about the reason: said beside its box too. */
  beside: boolean;
}

/**
 * A reason is optional on the page: the event still records one. One given is held to the rule the API's is
 * (REASON_MAX_LENGTH and the rest): cut at 2000 characters, a longer one was kept cut without a word, and one of
 * a reissue with no live link to revoke reached the event's metadata unchecked.
 */
function reasonOf(typed: string, fallback: string): string {
  const trimmed = typed.trim();
  return trimmed ? requireReason(trimmed, 'change a link') : fallback;
}
