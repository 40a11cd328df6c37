import { Body, Controller, Get, Inject, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CorrelationId, CurrentActor, PageErrorFilter, Roles } from '../../http/src/index.js';
import {
  AcceptReturnCommand,
  ApproveReturnCommand,
  ReturnToReviewCommand,
  SendReturnBackCommand,
} from '../../returns/src/index.js';
import { Actor, DomainError } from '../../kernel/src/index.js';
import { ConcurrencyError } from '../../event-store/src/index.js';
import { QUEUE_STATES, QueueFilter, ReviewQueue } from './review-queue/review-queue.query.js';
import { ReviewReturn } from './review-return/review-return.query.js';
import { changedMeanwhile, sameDecisionAgain } from './review-return/changed-meanwhile.js';
import { formPageVersion, formText, FormValue } from './form-fields.js';

/** A decision on the review page: what it does, the event it records, and where the page goes once it is made. */
interface Decision {
  decide: (reason: string) => Promise<unknown>;
  event: string;
  then: string;
}

const READERS = ['reviewer', 'coordinator', 'board'] as const;
const READERS_REFUSAL = 'Only reviewers, coordinators and board members see returns under review';
const SECOND_STAGE = ['coordinator', 'board'] as const;
const SECOND_STAGE_REFUSAL = 'Only coordinators and board members accept returns or return them to review';

/**
 * The reviewer's queue and review page: the return beside last cycle's approved one, then approve or send back.
 * In a two-stage cycle the same page is where a coordinator or board member accepts an approved return or
 * returns it to review; board members read the queue and the page but approve nothing.
 */
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
  @Roles(READERS, READERS_REFUSAL)
  async queue(@Query() query: Record<string, unknown>, @CurrentActor() actor: Actor, @Res() res: Response) {
    res.render('pages/review/queue', await queuePage(this.reviewQueue, actor, query));
  }

  @Get('returns/:returnId')
  @Roles(READERS, READERS_REFUSAL)
  async review(@Param('returnId') returnId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    res.render('pages/review/return', await this.model(actor, returnId));
  }

  @Post('returns/:returnId/approve')
  async approve(
    @Param('returnId') returnId: string,
    @Body() body: { version?: FormValue },
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const expectedVersion = formPageVersion(body.version);
    await this.decided(res, actor, returnId, expectedVersion, '', {
      decide: () =>
        this.commands.execute(new ApproveReturnCommand({ actor, correlationId, expectedVersion }, returnId)),
      event: 'ReturnApproved',
      then: `/review?approved=${encodeURIComponent(returnId)}`,
    });
  }

  @Post('returns/:returnId/send-back')
  async sendBack(
    @Param('returnId') returnId: string,
    @Body() body: { version?: FormValue; reason?: FormValue },
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    return this.withReason(res, actor, returnId, body, 'Say what needs to change before sending it back', {
      decide: (reason) =>
        this.commands.execute(
          new SendReturnBackCommand(
            { actor, correlationId, expectedVersion: formPageVersion(body.version) },
            returnId,
            reason,
          ),
        ),
      event: 'ReturnSentBack',
      then: `/review?sent-back=${encodeURIComponent(returnId)}`,
    });
  }

  @Post('returns/:returnId/accept')
  @Roles(SECOND_STAGE, SECOND_STAGE_REFUSAL)
  async accept(
    @Param('returnId') returnId: string,
    @Body() body: { version?: FormValue },
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const expectedVersion = formPageVersion(body.version);
    await this.decided(res, actor, returnId, expectedVersion, '', {
      decide: () =>
        this.commands.execute(new AcceptReturnCommand({ actor, correlationId, expectedVersion }, returnId)),
      event: 'ReturnAccepted',
      then: `/review?state=to-accept&accepted=${encodeURIComponent(returnId)}`,
    });
  }

  @Post('returns/:returnId/return-to-review')
  @Roles(SECOND_STAGE, SECOND_STAGE_REFUSAL)
  async returnToReview(
    @Param('returnId') returnId: string,
    @Body() body: { version?: FormValue; reason?: FormValue },
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    return this.withReason(
      res,
      actor,
      returnId,
      body,
      'Say what the reviewer should look at again before returning it to review',
      {
        decide: (reason) =>
          this.commands.execute(
            new ReturnToReviewCommand(
              { actor, correlationId, expectedVersion: formPageVersion(body.version) },
              returnId,
              reason,
            ),
          ),
        event: 'ReturnReturnedToReview',
        then: `/review?state=to-accept&returned=${encodeURIComponent(returnId)}`,
      },
    );
  }

  /** A decision that must say why: the return's page again with the error when no reason is given. */
  private async withReason(
    res: Response,
    actor: Actor,
    returnId: string,
    form: { version?: FormValue; reason?: FormValue },
    missing: string,
    action: Decision,
  ) {
    const seenVersion = formPageVersion(form.version);
    const reason = formText(form.reason).trim();
    if (!reason) {
      const model = await this.model(actor, returnId);
      return res
        .status(400)
        .render('pages/review/return', { ...model, title: `Error: ${model.title}`, error: missing });
    }
    return this.decided(res, actor, returnId, seenVersion, reason, action);
  }

  /**
   * A decision, and the return's page again when it is refused: the rule's word on the reason beside it, and a
   * return that moved on while the reviewer read it (another reviewer decided it first, it was withdrawn) said
   * in words with who did what since, the reason they typed kept. A bare 409 page told them neither, and lost
   * the reason.
   */
  private async decided(
    res: Response,
    actor: Actor,
    returnId: string,
    seenVersion: number | undefined,
    reason: string,
    action: Decision,
  ) {
    try {
      await action.decide(reason);
    } catch (error) {
      if (error instanceof ConcurrencyError && (await this.madeAlready(actor, returnId, seenVersion, action)))
        return res.redirect(303, action.then);
      const model = await this.refusedPage(error, actor, returnId, seenVersion, reason);
      if (!model) throw error;
      return res.status(model.status).render('pages/review/return', model);
    }
    res.redirect(303, action.then);
  }

  private async madeAlready(
    actor: Actor,
    returnId: string,
    seenVersion: number | undefined,
    action: Decision,
  ) {
    const { view } = await this.reviewReturn.of(actor, returnId);
    return sameDecisionAgain(view.history ?? [], seenVersion, actor.id, action.event);
  }

  private async refusedPage(
    error: unknown,
    actor: Actor,
    returnId: string,
    seenVersion: number | undefined,
    reason: string,
  ) {
    const onReason = error instanceof DomainError && error.field === 'reason';
    const moved =
      error instanceof ConcurrencyError ||
      (error instanceof DomainError && !onReason && ['conflict', 'unprocessable'].includes(error.kind));
    if (!onReason && !moved) return null;
    const model = await this.model(actor, returnId);
    const page = { ...model, title: `Error: ${model.title}`, typedReason: reason };
    if (onReason) return { ...page, status: 422, error: (error as DomainError).message };
    const changed = changedMeanwhile(model.history, seenVersion, model.view);
    // A rule's refusal on a return that has not moved (someone asked for a change as they approved) says the rule.
    const summary =
      error instanceof DomainError && changed.since.length === 0 ? error.message : changed.summary;
    const status = error instanceof DomainError && error.kind === 'unprocessable' ? 422 : 409;
    return { ...page, status, conflict: { ...changed, summary } };
  }

  private async model(actor: Actor, returnId: string) {
    const { view, ...rest } = await this.reviewReturn.of(actor, returnId);
    const awaitingAcceptance = view.status === 'approved' && view.signOff === 'two-stage';
    return {
      title: awaitingAcceptance ? `Accept ${view.measureRef}` : `Review ${view.measureRef}`,
      view,
      ...rest,
      // What the page offers is what the rules would allow this person; the rules still decide.
      mayReview: actor.role === 'reviewer' || actor.role === 'coordinator',
      mayAccept: awaitingAcceptance && (SECOND_STAGE as readonly string[]).includes(actor.role),
      awaitingAcceptance,
      statusWords: statusWords(view.status, view.signOff),
      backLink: awaitingAcceptance ? '/review?state=to-accept' : '/review',
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
  // A board member's work is the second stage, so that is where their queue starts.
  const start = actor.role === 'board' ? 'to-accept' : 'to-review';
  const state = QUEUE_STATES.find((s) => s.value === text('state'))?.value ?? start;
  const filter: QueueFilter = { theme: text('theme'), agency: text('agency'), state };
  const { queue, themes, agencies, done } = await reviewQueue.of(actor, filter, {
    approved: text('approved') || undefined,
    sentBack: text('sent-back') || undefined,
    accepted: text('accepted') || undefined,
    returned: text('returned') || undefined,
  });
  const any = (label: string) => ({ value: '', text: label });
  const pick = (items: { value: string; text: string }[], chosen: string | undefined) =>
    items.map((i) => ({ ...i, selected: i.value === chosen }));
  // Each card the actor can decide gets a numbered checkbox (select-1 first), which an error can link to:
  // reviewers decide those waiting for review, the second stage (coordinator, board) those waiting for acceptance.
  const mayReview = actor.role === 'reviewer' || actor.role === 'coordinator';
  const mayAccept = actor.role === 'coordinator' || actor.role === 'board';
  const decidable = (s: string) => (s === 'to-review' && mayReview) || (s === 'to-accept' && mayAccept);
  let box = 0;
  const cards = queue.map((q) => ({ ...q, box: decidable(q.state) ? (box += 1) : null }));
  return {
    title: state === 'to-accept' ? 'Returns to accept' : 'Returns to review',
    queue: cards,
    done,
    // The cards the actor can tick to decide together, and which decisions the ticked ones can take.
    selectable: box > 0,
    reviewable: mayReview && queue.some((q) => q.state === 'to-review'),
    acceptable: mayAccept && queue.some((q) => q.state === 'to-accept'),
    filtered: Boolean(filter.theme || filter.agency || state !== start),
    clearLink: start === 'to-review' ? '/review' : `/review?state=${start}`,
    stateText: QUEUE_STATES.find((s) => s.value === state)?.text,
    themes: pick([any('Any theme'), ...themes], filter.theme),
    agencies: pick([any('Any agency'), ...agencies], filter.agency),
    states: pick(QUEUE_STATES, state),
    navigation: staffNavigation(actor, '/review'),
  };
}

function statusWords(status: string, signOff: string): string {
  if (status === 'approved' && signOff === 'two-stage') return 'approved and waiting for acceptance';
  return status;
}

export function staffNavigation(actor: Actor, current: string) {
  const items = [
    ...(actor.role === 'viewer' ? [] : [{ href: '/review', text: 'Review' }]),
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
