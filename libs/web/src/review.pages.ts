import { Body, Controller, Get, Inject, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CorrelationId, CurrentActor, PageErrorFilter, Roles } from '../../http/src/index.js';
import { ApproveReturnCommand, SendReturnBackCommand } from '../../returns/src/index.js';
import { Actor } from '../../kernel/src/index.js';
import { formVersion } from './return-form.js';
import { QUEUE_STATES, QueueFilter, ReviewQueue } from './review-queue/review-queue.query.js';
import { ReviewReturn } from './review-return/review-return.query.js';

/** The reviewer's queue and review page: the return beside last cycle's approved one, then approve or send back. */
@ApiExcludeController()
@Controller('review')
@UseFilters(PageErrorFilter)
@Roles(['reviewer', 'coordinator'], 'Only reviewers and coordinators review returns')
export class ReviewPages {
  constructor(
    @Inject(ReviewQueue) private readonly reviewQueue: ReviewQueue,
    @Inject(ReviewReturn) private readonly reviewReturn: ReviewReturn,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Get()
  async queue(@Query() query: Record<string, unknown>, @CurrentActor() actor: Actor, @Res() res: Response) {
    res.render('pages/review/queue', await queuePage(this.reviewQueue, actor, query));
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
    res.redirect(303, `/review?approved=${encodeURIComponent(returnId)}`);
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
        title: `Error: ${model.title}`,
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
    res.redirect(303, `/review?sent-back=${encodeURIComponent(returnId)}`);
  }

  private async model(actor: Actor, returnId: string) {
    const { view, ...rest } = await this.reviewReturn.of(actor, returnId);
    return {
      title: `Review ${view.measureRef}`,
      view,
      ...rest,
      backLink: '/review',
      navigation: staffNavigation(actor, '/review'),
    };
  }
}

/**
 * The queue, filtered by a GET form (theme, agency, state) that works without JavaScript. `approved` or
 * `sent-back` name the return just acted on, for the success banner; they are not secret and only confirm
 * what the return's state already shows.
 */
export async function queuePage(reviewQueue: ReviewQueue, actor: Actor, query: Record<string, unknown>) {
  const text = (name: string) => (typeof query[name] === 'string' ? query[name] : '');
  const state = QUEUE_STATES.find((s) => s.value === text('state'))?.value ?? 'to-review';
  const filter: QueueFilter = { theme: text('theme'), agency: text('agency'), state };
  const { queue, themes, agencies, done } = await reviewQueue.of(actor, filter, {
    approved: text('approved') || undefined,
    sentBack: text('sent-back') || undefined,
  });
  const any = (label: string) => ({ value: '', text: label });
  const pick = (items: { value: string; text: string }[], chosen: string | undefined) =>
    items.map((i) => ({ ...i, selected: i.value === chosen }));
  // Each card waiting for review gets a numbered checkbox (select-1 first), which an error can link to.
  let box = 0;
  const cards = queue.map((q) => ({ ...q, box: q.state === 'to-review' ? (box += 1) : null }));
  return {
    title: 'Returns to review',
    queue: cards,
    done,
    // The cards a reviewer can tick to decide together: only those waiting for review can be decided.
    selectable: queue.some((q) => q.state === 'to-review'),
    filtered: Boolean(filter.theme || filter.agency || state !== 'to-review'),
    stateText: QUEUE_STATES.find((s) => s.value === state)?.text,
    themes: pick([any('Any theme'), ...themes], filter.theme),
    agencies: pick([any('Any agency'), ...agencies], filter.agency),
    states: pick(QUEUE_STATES, state),
    navigation: staffNavigation(actor, '/review'),
  };
}

export function staffNavigation(actor: Actor, current: string) {
  const items = [
    ...(actor.role === 'viewer' ? [] : [{ href: '/review', text: 'Review' }]),
    // A coordinator's cycles are their dashboards; everyone else follows them read-only.
    ...(actor.role === 'coordinator'
      ? [
          { href: '/coordinate', text: 'Cycles' },
          { href: '/coordinate/plan', text: 'Plan' },
          { href: '/coordinate/staff', text: 'Staff' },
        ]
      : [{ href: '/view', text: 'Cycles' }]),
    { href: '/account', text: 'Your account' },
  ];
  // The item whose address is the longest start of the page's (Staff, not Cycles, on /coordinate/staff).
  const active = items
    .filter((i) => current.startsWith(i.href))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return items.map((i) => ({ ...i, active: i === active }));
}
