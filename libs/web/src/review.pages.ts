import { Body, Controller, Get, Inject, Param, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CorrelationId, CurrentActor, PageErrorFilter, Roles } from '../../http/src/index.js';
import {
  ApproveReturnCommand,
  diffReturnContent,
  renderNarrative,
  ReturnContent,
  SendReturnBackCommand,
} from '../../returns/src/index.js';
import { Actor } from '../../kernel/src/index.js';
import { formVersion } from './return-form.js';
import { WebQueries } from './web-queries.js';

/** The reviewer's queue and review page: the return beside last cycle's approved one, then approve or send back. */
@ApiExcludeController()
@Controller('review')
@UseFilters(PageErrorFilter)
@Roles(['reviewer', 'coordinator'], 'Only reviewers and coordinators review returns')
export class ReviewPages {
  constructor(
    @Inject(WebQueries) private readonly queries: WebQueries,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Get()
  async queue(@CurrentActor() actor: Actor, @Res() res: Response) {
    const partnership = await this.queries.partnership(actor.partnershipId);
    const rows = [];
    for (const { state: cycle } of await this.queries.cycles(actor)) {
      const plan = await this.queries.plan(cycle);
      for (const view of await this.queries.returnsOf(cycle)) {
        if (view.status !== 'submitted') continue;
        const agency =
          partnership.status === 'registered' ? partnership.agencies.get(view.agencyId) : undefined;
        const measure = plan.status === 'adopted' ? plan.measures.get(view.measureRef) : undefined;
        rows.push({
          due: view.dueDate,
          cells: [
            { text: `${view.measureRef}: ${measure?.text ?? ''}` },
            { text: agency?.name ?? view.agencyId },
            { text: cycle.label },
            { text: view.dueDate },
            {
              html: `<a class="govuk-link" href="/review/returns/${encodeURIComponent(view.returnId)}">Review<span class="govuk-visually-hidden"> ${view.measureRef}</span></a>`,
            },
          ],
        });
      }
    }
    rows.sort((a, b) => a.due.localeCompare(b.due));
    res.render('pages/review/queue', {
      title: 'Returns to review',
      rows: rows.map((r) => r.cells),
      navigation: staffNavigation(actor, '/review'),
    });
  }

  @Get('returns/:returnId')
  async review(@Param('returnId') returnId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    res.render('pages/review/return', await this.model(actor, returnId));
  }

  @Post('returns/:returnId/approve')
  async approve(
    @Param('returnId') returnId: string,
    @Body() body: { version?: string },
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    await this.commands.execute(
      new ApproveReturnCommand(
        { actor, correlationId, expectedVersion: formVersion(body.version) },
        returnId,
      ),
    );
    res.redirect(303, '/review');
  }

  @Post('returns/:returnId/send-back')
  async sendBack(
    @Param('returnId') returnId: string,
    @Body() body: { version?: string; reason?: string },
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const reason = String(body.reason ?? '').trim();
    if (!reason) {
      const model = await this.model(actor, returnId);
      return res.status(400).render('pages/review/return', {
        ...model,
        error: 'Say what needs to change before sending it back',
      });
    }
    await this.commands.execute(
      new SendReturnBackCommand(
        { actor, correlationId, expectedVersion: formVersion(body.version) },
        returnId,
        reason,
      ),
    );
    res.redirect(303, '/review');
  }

  private async model(actor: Actor, returnId: string) {
    const view = await this.queries.returnWithHistory(actor, returnId);
    const { state: cycle } = await this.queries.cycle(actor, view.cycleId);
    const [plan, partnership, previous] = await Promise.all([
      this.queries.plan(cycle),
      this.queries.partnership(cycle.partnershipId),
      this.queries.previousApproved(actor, cycle, view.measureRef),
    ]);
    // A resubmission is compared with what was submitted before it was sent back.
    const submissions = (view.history ?? []).filter((h) => h.type === 'ReturnSubmitted');
    const before =
      submissions.length > 1
        ? (submissions[submissions.length - 2].data as { content: ReturnContent }).content
        : null;
    return {
      title: `Review ${view.measureRef}`,
      view,
      measureText: plan.status === 'adopted' ? (plan.measures.get(view.measureRef)?.text ?? '') : '',
      agencyName:
        partnership.status === 'registered'
          ? (partnership.agencies.get(view.agencyId)?.name ?? view.agencyId)
          : view.agencyId,
      cycleLabel: cycle.label,
      previous: previous
        ? {
            ...previous,
            narrativeHtml: previous.content.narrative ? renderNarrative(previous.content.narrative) : null,
          }
        : null,
      changes: before ? diffReturnContent(before, view.content) : null,
      backLink: '/review',
      navigation: staffNavigation(actor, '/review'),
    };
  }
}

export function staffNavigation(actor: Actor, current: string) {
  const items = [
    { href: '/review', text: 'Review' },
    ...(actor.role === 'coordinator'
      ? [
          { href: '/coordinate', text: 'Cycles' },
          { href: '/coordinate/plan', text: 'Plan' },
        ]
      : []),
  ];
  return items.map((i) => ({ ...i, active: current.startsWith(i.href) }));
}
