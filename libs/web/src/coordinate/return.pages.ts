import { Body, Controller, Get, Inject, Param, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  CorrelationId,
  CurrentActor,
  PageErrorFilter,
  PageMessage,
  Roles,
  pageMessageQuery,
} from '../../../http/src/index.js';
import { Actor, Clock, CommandEnvelope } from '../../../kernel/src/index.js';
import { EvidenceListing, GetCycle, GetReturn, renderNarrative } from '../../../returns/src/index.js';
import { CyclePlanWords } from '../plan-words.js';
import { ReturnHistory } from '../return-history/return-history.query.js';
import { ReturnThread } from '../conversation/return-thread.query.js';
import { formPageVersion, singleValues } from '../form-fields.js';
import { staffNavigation } from '../review.pages.js';
import { act, Form, noSuchAction } from './coordinator.js';
import {
  emptyExtendForm,
  ExtendForm,
  extensionErrors,
  extensionProblem,
  postedDueDate,
} from './extend-form.js';
import { RETURN_ACTIONS } from './return-actions.js';
import {
  emptyRedactForm,
  RedactForm,
  redactableFieldItems,
  redactErrorList,
  submitRedaction,
} from './redact-form.js';

/** One return for the coordinator: its content and history, and every action on it (see RETURN_ACTIONS). */
@ApiExcludeController()
@Controller('coordinate')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'These pages are for coordinators')
export class ReturnPages {
  constructor(
    @Inject(GetReturn) private readonly returns: GetReturn,
    @Inject(GetCycle) private readonly cycles: GetCycle,
    @Inject(CyclePlanWords) private readonly words: CyclePlanWords,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(ReturnHistory) private readonly history: ReturnHistory,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(ReturnThread) private readonly threads: ReturnThread,
    @Inject(EvidenceListing) private readonly evidence: EvidenceListing,
  ) {}

  @Get('returns/:returnId')
  async show(
    @Param('returnId') returnId: string,
    @PageMessage('done') done: string | undefined,
    @PageMessage('error') error: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.render(res, 200, actor, returnId, { done, error });
  }

  @Get('returns/:returnId/redact')
  async redactPage(@Param('returnId') returnId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    await this.renderRedact(res, 200, actor, returnId, emptyRedactForm());
  }

  @Post('returns/:returnId/:action')
  async returnAction(
    @Param('returnId') returnId: string,
    @Param('action') action: string,
    @Body() posted: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    let form = singleValues(posted);
    const envelope: CommandEnvelope = {
      actor,
      correlationId,
      expectedVersion: formPageVersion(form.version),
    };
    if (action === 'redact') {
      const outcome = await submitRedaction(this.commands, envelope, returnId, form);
      if ('form' in outcome) return this.renderRedact(res, 400, actor, returnId, outcome.form);
      return res.redirect(
        303,
        `/coordinate/returns/${encodeURIComponent(returnId)}?${pageMessageQuery(res, 'done', outcome.done)}`,
      );
    }
    if (action === 'extend') {
      const problem = extensionProblem(form, this.clock.now());
      if (problem) return this.render(res, 400, actor, returnId, { extend: problem });
      form = { ...form, dueDate: postedDueDate(form) };
    }
    await act(res, `/coordinate/returns/${encodeURIComponent(returnId)}`, async () => {
      const run = RETURN_ACTIONS.get(action) ?? noSuchAction;
      return run({ commands: this.commands, envelope, returnId, form, posted, reason: form.reason ?? '' });
    });
  }

  /** The redaction form (redact-form.ts), as first shown or as posted with what is wrong with it. */
  private async renderRedact(
    res: Response,
    status: number,
    actor: Actor,
    returnId: string,
    form: RedactForm,
  ) {
    const view = await this.returns.view(actor, returnId);
    const { state: cycle } = await this.cycles.cycle(actor, view.cycleId);
    const errorList = redactErrorList(form);
    res.status(status).render('pages/coordinate/redact', {
      title: `${errorList.length ? 'Error: ' : ''}Redact a passage from ${view.measureRef} in ${cycle.label}`,
      view,
      cycle,
      form,
      errorList,
      fields: redactableFieldItems(form.field),
      backLink: `/coordinate/returns/${encodeURIComponent(returnId)}`,
      navigation: staffNavigation(actor, '/coordinate'),
    });
  }

  /** The page, with the extension form as first shown or as posted with what is wrong with it. */
  private async render(
    res: Response,
    status: number,
    actor: Actor,
    returnId: string,
    extra: { done?: string; error?: string; extend?: ExtendForm },
  ) {
    const view = await this.returns.view(actor, returnId);
    const { state: cycle } = await this.cycles.cycle(actor, view.cycleId);
    const words = await this.words.of(cycle);
    const extend = extra.extend ?? emptyExtendForm();
    const errors = extensionErrors(extend, 'reason-extend');
    const thread = await this.threads.of(actor, returnId, words);
    const evidence = await this.evidence.of(actor, returnId);
    res.status(status).render('pages/coordinate/return', {
      title: `${errors.length ? 'Error: ' : ''}${view.measureRef} in ${cycle.label}`,
      view,
      cycle,
      measureText: words.measureText(view.measureRef),
      approvedNarrativeHtml: view.approved?.content.narrative
        ? renderNarrative(view.approved.content.narrative)
        : null,
      agencies: words.activeAgencies,
      history: await this.history.of(view, cycle, words, thread.view.history, evidence.history),
      thread,
      evidence,
      extend,
      errors,
      done: extra.done,
      error: extra.error,
      backLink: `/coordinate/cycles/${encodeURIComponent(view.cycleId)}`,
      navigation: staffNavigation(actor, '/coordinate'),
    });
  }
}
