import { Body, Controller, Inject, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CorrelationId, CurrentActor, PageErrorFilter, Roles } from '../../../http/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import {
  BULK_DECISIONS,
  BulkDecision,
  BulkDecisionResult,
  BulkSelection,
  DecideInBulkCommand,
} from '../../../returns/src/index.js';
import { queuePage, staffNavigation } from '../review.pages.js';
import { QueuedReturn, ReviewQueue } from '../review-queue/review-queue.query.js';
import { BULK_WORDS, BulkForm, FieldError, MODE_WORDS, readBulkForm, selectionErrors } from './bulk-form.js';

type Posted = Record<string, string | string[] | undefined>;

/**
 * Deciding several returns at once from the queue: tick cards, choose Approve or Send back (with one reason),
 * confirm on a page that lists them and asks what happens if some cannot be decided, then see each one's fate.
 * Plain forms all the way, so it works without JavaScript.
 */
@ApiExcludeController()
@Controller('review/bulk')
@UseFilters(PageErrorFilter)
// Board members accept in bulk; what each role may decide is the single decision's rule, return by return.
@Roles(['reviewer', 'coordinator', 'board'], 'Only reviewers, coordinators and board members decide returns')
export class ReviewBulkPages {
  constructor(
    @Inject(ReviewQueue) private readonly reviewQueue: ReviewQueue,
    @Inject(BulkSelection) private readonly selection: BulkSelection,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  /** The queue's form: checks the selection, then asks to confirm it. */
  @Post()
  async choose(@Body() body: Posted, @CurrentActor() actor: Actor, @Res() res: Response) {
    const form = readBulkForm(body);
    // The form is only shown with cards waiting for review, so select-1 (the first card's box) is there.
    const errors = selectionErrors(form, 'select-1');
    if (!form.decision) {
      errors.unshift({
        field: 'decision',
        text: 'Choose Approve selected or Send back selected',
        href: '#bulk-actions',
      });
    }
    if (errors.length > 0 || !form.decision) {
      const page = await queuePage(this.reviewQueue, actor, {});
      return res.status(400).render('pages/review/queue', {
        ...page,
        title: `Error: ${page.title}`,
        heading: page.title,
        errorList: errors.map(({ text, href }) => ({ text, href })),
        errorOf: errorsByField(errors),
        ticked: form.values,
        reason: form.reason,
      });
    }
    res.render('pages/review/bulk-confirm', await this.confirmModel(actor, form, form.decision, []));
  }

  /** The confirmation page's form: decides the selection in the mode chosen, and says what became of each. */
  @Post('confirm')
  async confirm(
    @Body() body: Posted,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const form = readBulkForm(body);
    const decision = form.decision;
    if (!decision || selectionErrors(form, 'select-1').length > 0) {
      throw new DomainError('bulk-form', 'Choose the returns again from the queue', 'unprocessable');
    }
    if (!form.mode) {
      const errors = [
        { field: 'mode', text: 'Choose what happens if some cannot be decided', href: '#mode' },
      ];
      const model = await this.confirmModel(actor, form, decision, errors);
      return res
        .status(400)
        .render('pages/review/bulk-confirm', { ...model, title: `Error: ${model.title}` });
    }
    const cards = await this.visibleCards(actor, form);
    const result = await this.commands.execute(
      new DecideInBulkCommand(
        { actor, correlationId },
        decision,
        form.mode,
        form.selected,
        BULK_DECISIONS[decision].needsReason ? form.reason : undefined,
      ),
    );
    res.render('pages/review/bulk-result', resultModel(actor, result, cards));
  }

  private async confirmModel(actor: Actor, form: BulkForm, decision: BulkDecision, errors: FieldError[]) {
    const cards = await this.visibleCards(actor, form);
    // What deciding them now would refuse, so the reviewer chooses the mode knowing it.
    const preview = await this.selection.preview({
      decision,
      mode: 'valid-only',
      actor,
      returns: form.selected,
      reason: BULK_DECISIONS[decision].needsReason ? form.reason : undefined,
    });
    const words = BULK_WORDS[decision];
    const count = plural(form.selected.length);
    return {
      title: `${words.question} ${count}?`,
      decision,
      words,
      reason: form.reason,
      values: form.values,
      selection: form.selected.map((s) => cards.get(s.returnId)!),
      refused: preview.refused.map((r) => ({ ...r, card: cards.get(r.returnId)! })),
      modes: Object.entries(MODE_WORDS).map(([value, text]) => ({
        value,
        text,
        checked: value === form.mode,
      })),
      button: `${words.button} ${count}`,
      errorList: errors.map(({ text, href }) => ({ text, href })),
      errorOf: errorsByField(errors),
      backLink: '/review',
      navigation: staffNavigation(actor, '/review'),
    };
  }

  /**
   * The cards of the returns selected. The queue only offers the actor's own returns: one it does not hold
   * (another partnership's, or none) is answered as missing, whichever it is.
   */
  private async visibleCards(actor: Actor, form: BulkForm): Promise<Map<string, QueuedReturn>> {
    const { queue } = await this.reviewQueue.of(actor, { state: 'all' });
    const cards = new Map(queue.map((q) => [q.returnId, q]));
    if (form.selected.some((s) => !cards.has(s.returnId))) {
      throw new DomainError('return-not-found', 'No such return', 'not-found');
    }
    return cards;
  }
}

function resultModel(actor: Actor, result: BulkDecisionResult, cards: Map<string, QueuedReturn>) {
  const words = BULK_WORDS[result.decision];
  const asked = result.decided.length + result.refused.length + result.held.length;
  const title =
    result.outcome === 'all-decided'
      ? `${plural(asked)} ${words.past}`
      : result.outcome === 'some-decided'
        ? `${result.decided.length} of ${plural(asked)} ${words.past}`
        : `No returns ${words.past}`;
  const why =
    result.outcome === 'all-decided'
      ? null
      : result.mode === 'all-or-nothing'
        ? `You chose to decide none of them if any could not be decided, and ${plural(result.refused.length)} could not.`
        : `You chose to decide the ones that could be decided. ${plural(result.refused.length)} could not.`;
  const banner =
    result.outcome === 'all-decided'
      ? asked === 1
        ? `The return you selected was ${words.past}.`
        : `All ${asked} returns you selected were ${words.past}.`
      : title;
  return {
    title,
    banner,
    why,
    outcome: result.outcome,
    words,
    decided: result.decided.map((d) => cards.get(d.id)!),
    refused: result.refused.map((r) => ({ ...r, card: cards.get(r.returnId)! })),
    held: result.held.map((h) => cards.get(h.returnId)!),
    navigation: staffNavigation(actor, '/review'),
  };
}

function plural(n: number): string {
  return `${n} return${n === 1 ? '' : 's'}`;
}

function errorsByField(errors: FieldError[]): Record<string, { text: string }> {
  return Object.fromEntries(errors.map((e) => [e.field, { text: e.text }]));
}
