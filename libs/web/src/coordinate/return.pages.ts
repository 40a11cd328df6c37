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
  statusOf,
} from '../../../http/src/index.js';
import { Actor, Clock, CommandEnvelope, DomainError } from '../../../kernel/src/index.js';
import {
  EvidenceListing,
  GetConversation,
  GetCycle,
  GetReturn,
  renderNarrative,
} from '../../../returns/src/index.js';
import { CyclePlanWords } from '../plan-words.js';
import { ReturnHistory } from '../return-history/return-history.query.js';
import { ReturnThread } from '../conversation/return-thread.query.js';
import { formPageVersion, singleValues } from '../form-fields.js';
import { staffNavigation } from '../review.pages.js';
import { act, Form, noSuchAction } from './coordinator.js';
import { ConcurrencyError } from '../../../event-store/src/index.js';
import { dateInputItems, postedDateParts } from '../date-input/date-input.js';
import { FormFields } from '../form-fields.js';
import { sameDecisionAgain } from '../review-return/changed-meanwhile.js';
import { HistoryLine } from '../return-history/history-words.js';
import { actionOffered, RETURN_ACTION_WORDS } from './return-action-race.js';
import {
  ALL_DATE_PARTS,
  dueDateRefusal,
  emptyExtendForm,
  ExtendForm,
  extensionErrors,
  extensionProblem,
  pastDueDate,
  postedDueDate,
  typedDueDate,
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
    @Inject(GetConversation) private readonly conversations: GetConversation,
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
      let outcome: Awaited<ReturnType<typeof submitRedaction>>;
      try {
        outcome = await submitRedaction(this.commands, envelope, returnId, form);
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
        return this.redactionRefused(res, actor, returnId, form, envelope.expectedVersion);
      }
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
    try {
      const run = RETURN_ACTIONS.get(action) ?? noSuchAction;
      await act(
        res,
        `/coordinate/returns/${encodeURIComponent(returnId)}`,
        () => run({ commands: this.commands, envelope, returnId, form, posted, reason: form.reason ?? '' }),
        (error) => this.refused(res, actor, returnId, action, form, error),
      );
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      await this.changedMeanwhile(res, actor, returnId, action, form, envelope.expectedVersion);
    }
  }

  /**
   * An action refused because the return (or its files) moved on while the page was open: the lead saved a
   * draft, a reviewer decided it, another coordinator acted. The same button pressed twice is done, and the page
   * says so; anything else brings the page back up to date with an error summary, who did what since, and the
   * reason typed kept in its box (or shown to copy, when the return's state no longer offers that action). The
   * bare 409 page said none of that and lost the reason.
   */
  private async changedMeanwhile(
    res: Response,
    actor: Actor,
    returnId: string,
    action: string,
    form: FormFields,
    seenVersion: number | undefined,
  ) {
    const view = await this.returns.view(actor, returnId);
    const words = RETURN_ACTION_WORDS[action];
    const back = `/coordinate/returns/${encodeURIComponent(returnId)}`;
    if (words && sameDecisionAgain(view.history ?? [], seenVersion, actor.id, words.event))
      return res.redirect(303, `${back}?${pageMessageQuery(res, 'done', words.already)}`);
    const summary = words
      ? `This return changed while you had the page open, so “${words.button}” was not done. ` +
        'Check it below, then try again if you still need to.'
      : 'This return’s files changed while you had the page open, so the report’s list of files was not saved. ' +
        'Check the files below, then save the list again.';
    const reason = form.reason ?? '';
    const extend =
      action === 'extend'
        ? {
            items: dateInputItems(postedDateParts(form, 'dueDate')),
            reason,
            ...pastDueDate(form, this.clock.now()),
          }
        : undefined;
    const gone = !actionOffered(action, view.status);
    const kept = {
      action,
      reason,
      toAgencyId: form.toAgencyId ?? '',
      // The reason to copy, when the return's state no longer offers the form it was typed in.
      toCopy: words && reason.trim() && gone ? reason : '',
      // An extension's new due date with it.
      toCopyDueDate: extend && gone ? typedDueDate(extend) : '',
    };
    await this.render(res, 409, actor, returnId, {
      extend,
      conflict: { summary, seenVersion, files: !words },
      kept,
    });
  }

  /**
   * An action a rule refused (a reason missing or too long, a new due date not after the one set, an agency not
   * taking part): the page again with the rule's status, the error summary, the rule beside the box it names (or
   * in the summary, linking to the form, when it names none), and the form open with what was typed. It went to
   * the summary of a fresh page, the reason, date or agency lost. The report's files (no typing) still go there.
   */
  private async refused(
    res: Response,
    actor: Actor,
    returnId: string,
    action: string,
    form: FormFields,
    error: DomainError,
  ): Promise<boolean> {
    if (!RETURN_ACTION_WORDS[action]) return false;
    const view = await this.returns.view(actor, returnId);
    const reason = form.reason ?? '';
    // The form is shown only while the return's status offers it: otherwise the reason is shown to copy.
    const offered = actionOffered(action, view.status);
    const field =
      offered && ['reason', 'toAgencyId', 'dueDate'].includes(error.field ?? '') ? error.field! : '';
    const extend =
      action === 'extend'
        ? {
            items: dateInputItems(
              postedDateParts(form, 'dueDate'),
              field === 'dueDate' ? ALL_DATE_PARTS : [],
            ),
            reason,
            dateError: field === 'dueDate' ? dueDateRefusal(error.message) : undefined,
            reasonError: field === 'reason' ? error.message : undefined,
            ...pastDueDate(form, this.clock.now()),
          }
        : undefined;
    // The extension's new due date to copy with its reason.
    const toCopyDueDate = !offered && extend ? typedDueDate(extend) : '';
    const href = !offered
      ? reason.trim() || toCopyDueDate
        ? '#typed-reason'
        : '#main-content'
      : field === 'dueDate'
        ? '#dueDate-day'
        : field === 'toAgencyId'
          ? '#toAgencyId'
          : `#reason-${action}`;
    await this.render(res, statusOf(error), actor, returnId, {
      extend,
      kept: {
        action,
        reason,
        toAgencyId: form.toAgencyId ?? '',
        toCopy: !offered && reason.trim() ? reason : '',
        toCopyDueDate,
        // The extension form says its own errors (extensionErrors); the others' are said here.
        refused: action === 'extend' && field ? undefined : { field, text: error.message, href },
      },
    });
    return true;
  }

  /**
   * A redaction refused because the return moved on while the form was open (the lead saved, a reviewer
   * decided). The same redaction sent twice is done; otherwise the form comes back at the latest version with
   * the field, passage and reason as typed (the passage pasted again would be the slip a redaction is for), and
   * who did what since. The bare 409 page lost all three.
   */
  private async redactionRefused(
    res: Response,
    actor: Actor,
    returnId: string,
    posted: FormFields,
    seenVersion: number | undefined,
  ) {
    const view = await this.returns.view(actor, returnId);
    if (sameDecisionAgain(view.history ?? [], seenVersion, actor.id, 'PassageRedacted')) {
      const done = pageMessageQuery(res, 'done', 'That passage had already been redacted');
      return res.redirect(303, `/coordinate/returns/${encodeURIComponent(returnId)}?${done}`);
    }
    const { state: cycle } = await this.cycles.cycle(actor, view.cycleId);
    const since = (await this.history.of(view, cycle))
      .filter((line) => !line.message && !line.file)
      .filter((line) => seenVersion === undefined || line.version > seenVersion)
      .reverse();
    const summary =
      'This return changed while you had the page open, so the passage was not redacted. ' +
      'Check the return, then confirm the redaction again below.';
    const form = {
      ...emptyRedactForm(),
      field: posted.field ?? '',
      passage: posted.passage ?? '',
      reason: posted.reason ?? '',
    };
    await this.renderRedact(res, 409, actor, returnId, form, { summary, since });
  }

  /** The redaction form (redact-form.ts), as first shown or as posted with what is wrong with it. */
  private async renderRedact(
    res: Response,
    status: number,
    actor: Actor,
    returnId: string,
    form: RedactForm,
    conflict?: { summary: string; since: HistoryLine[] },
  ) {
    const view = await this.returns.view(actor, returnId);
    const { state: cycle } = await this.cycles.cycle(actor, view.cycleId);
    const errorList = conflict
      ? [{ text: conflict.summary, href: '#changed-meanwhile' }]
      : redactErrorList(form);
    res.status(status).render('pages/coordinate/redact', {
      title: `${errorList.length ? 'Error: ' : ''}Redact a passage from ${view.measureRef} in ${cycle.label}`,
      view,
      cycle,
      form,
      errorList,
      conflict: conflict ?? null,
      fields: redactableFieldItems(form.field, (await this.conversations.view(actor, returnId)).messages),
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
    extra: {
      done?: string;
      error?: string;
      extend?: ExtendForm;
      /** The action was refused on a page out of date: why, and the version that page showed. */
      conflict?: { summary: string; seenVersion: number | undefined; files: boolean };
      /** What was typed in the refused action's form, to show again, and the rule that refused it. */
      kept?: Kept;
    },
  ) {
    const view = await this.returns.view(actor, returnId);
    const { state: cycle } = await this.cycles.cycle(actor, view.cycleId);
    const words = await this.words.of(cycle);
    const extend = extra.extend ?? emptyExtendForm();
    const refused = extra.kept?.refused;
    const errors = [
      ...extensionErrors(extend, 'reason-extend'),
      ...(refused ? [{ text: refused.text, href: refused.href }] : []),
    ];
    const thread = await this.threads.of(actor, returnId, words);
    const evidence = await this.evidence.of(actor, returnId);
    const history = await this.history.of(view, cycle, words, thread.view.history, evidence.history);
    const conflict = extra.conflict && {
      summary: extra.conflict.summary,
      // Who did what since the page's version: the return's own lines, or its files' for the files' form.
      since: history
        .filter((line) => !line.message && (extra.conflict!.files ? line.file : !line.file))
        .filter(
          (line) => extra.conflict!.seenVersion === undefined || line.version > extra.conflict!.seenVersion,
        )
        .reverse(),
    };
    res.status(status).render('pages/coordinate/return', {
      title: `${errors.length || conflict ? 'Error: ' : ''}${view.measureRef} in ${cycle.label}`,
      conflict,
      kept: extra.kept ?? null,
      view,
      cycle,
      measureText: words.measureText(view.measureRef),
      approvedNarrativeHtml: view.approved?.content.narrative
        ? renderNarrative(view.approved.content.narrative)
        : null,
      agencies: words.activeAgencies,
      history,
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

/** What was typed in a refused action's form, and the rule's word on it (beside `field`, when it names one). */
interface Kept {
  action: string;
  reason: string;
  toAgencyId: string;
  /** The reason to copy, when the return's state no longer offers the form it was typed in. */
  toCopy: string;
  /** An extension's new due date as typed (typedDueDate), to copy with its reason. */
  toCopyDueDate: string;
  refused?: { field: string; text: string; href: string };
}
