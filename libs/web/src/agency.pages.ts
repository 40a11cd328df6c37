import { Body, Controller, Get, Inject, Param, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, DomainError } from '../../kernel/src/index.js';
import { ConcurrencyError } from '../../event-store/src/index.js';
import { CorrelationId, CurrentActor, PageErrorFilter, QueryText, Roles } from '../../http/src/index.js';
import {
  emptyTableMessage,
  EvidenceListing,
  isEmptyTable,
  LIMITS,
  LiveCycle,
  ReturnView,
  renderNarrative,
  ReturnContent,
  SaveReturnDraftCommand,
  SubmitReturnCommand,
  draftUnchanged,
} from '../../returns/src/index.js';
import { AgencyReturns, sentVersions } from './agency-returns/agency-returns.query.js';
import { taskHintHtml } from './agency-returns/sent-back-hint.js';
import { mayChange } from './agency-returns/return-changeable.js';
import { ReturnHistory } from './return-history/return-history.query.js';
import { ReturnThread } from './conversation/return-thread.query.js';
import { CyclePlanWords } from './plan-words.js';
import { HistoryLine, timeInWords } from './return-history/history-words.js';
import {
  caseStudiesFromDrafts,
  caseStudyDrafts,
  caseStudyDraftsFromForm,
  CaseStudyDraft,
  caseStudyText,
  editCaseStudies,
  editTables,
  formErrors,
  ratingFromForm,
  ReturnFormBody,
  Step,
  tableDrafts,
  tableDraftsFromForm,
  TableDraft,
  tablesFromDrafts,
  tableText,
} from './return-form.js';
import { FormError } from './return-form-words.js';
import { pastedTable } from './pasted-table.js';
import {
  indicatorFields,
  indicatorValuesFromForm,
  missingRagReason,
  suggestedRagWords,
} from './indicator-fields.js';
import { Indicator } from '../../plan/src/index.js';
import { formPageVersion, formText, FormValue } from './form-fields.js';

/** The statuses in which the lead's return has been sent and is no longer theirs to change. */
const SENT = new Set(['submitted', 'approved', 'accepted']);

/** Where each step of the form lives, after /agency/returns/:returnId. */
const STEP_PATHS: Record<Step, string> = { rating: '', tables: '/tables', 'case-studies': '/case-studies' };

const STATUS_TAGS: Record<string, { text: string; classes: string }> = {
  requested: { text: 'Not started', classes: 'govuk-tag--blue' },
  draft: { text: 'In progress', classes: 'govuk-tag--light-blue' },
  submitted: { text: 'Submitted', classes: 'govuk-tag--grey' },
  approved: { text: 'Approved', classes: 'govuk-tag--green' },
  accepted: { text: 'Accepted', classes: 'govuk-tag--green' },
  withdrawn: { text: 'Withdrawn', classes: 'govuk-tag--grey' },
};
/** A draft the reviewer sent back: it waits on the lead, which "In progress" did not say. */
const SENT_BACK_TAG = { text: 'Sent back', classes: 'govuk-tag--orange' };

/** The task list's groups, in the order the lead deals with them; each is shown only when it has a return. */
const TASK_GROUPS = [
  { id: 'sent-back', heading: 'Sent back for changes', closedHeading: 'Sent back for changes' },
  { id: 'to-do', heading: 'To do', closedHeading: 'Not sent' },
  { id: 'sent', heading: 'Sent', closedHeading: 'Sent' },
  { id: 'withdrawn', heading: 'No longer asked for', closedHeading: 'No longer asked for' },
] as const;

function taskGroupOf(v: ReturnView): (typeof TASK_GROUPS)[number]['id'] {
  if (SENT.has(v.status)) return 'sent';
  if (v.status === 'withdrawn') return 'withdrawn';
  return v.sentBackReason ? 'sent-back' : 'to-do';
}

/** The agency lead's journey, from the emailed link: task list, return form, check answers, confirmation. */
@ApiExcludeController()
@Controller('agency')
@UseFilters(PageErrorFilter)
@Roles(['agency-lead'], 'These pages are for agency leads, opened from the link in their email')
export class AgencyPages {
  constructor(
    @Inject(AgencyReturns) private readonly agencyReturns: AgencyReturns,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(ReturnHistory) private readonly history: ReturnHistory,
    @Inject(ReturnThread) private readonly threads: ReturnThread,
    @Inject(CyclePlanWords) private readonly planWords: CyclePlanWords,
    @Inject(EvidenceListing) private readonly evidence: EvidenceListing,
  ) {}

  @Get('cycles/:cycleId')
  async taskList(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const cycle = await this.agencyReturns.openedCycle(actor, cycleId);
    const agencyId = this.agencyOf(actor);
    const { agencyName, returns } = await this.agencyReturns.taskList(cycle, agencyId);
    const open = cycle.status === 'open';
    // Who sent each return back, and when: only the returns sent back (a few, if any) are read with their history.
    const sentBack = new Map(
      await Promise.all(
        returns
          .filter(({ view: v }) => v.status === 'draft' && v.sentBackReason)
          .map(async ({ view: v }) => [v.returnId, await this.sentBackLine(actor, v.returnId)] as const),
      ),
    );
    const items = returns.map(({ view: v, measureText }) => ({
      group: taskGroupOf(v),
      title: { text: `${v.measureRef}: ${measureText}` },
      // What was sent opens read-only; a return still being written opens its form.
      href: `/agency/returns/${encodeURIComponent(v.returnId)}${SENT.has(v.status) ? '/sent' : ''}`,
      // A return sent back says why under it (the reviewer's reason, shortened when long).
      hint: {
        html: taskHintHtml(
          `${v.overdue ? 'Overdue: was due' : 'Due'} ${longDate(v.dueDate)}${v.sentBackReason ? ' - sent back for changes' : ''}`,
          v.status === 'draft' ? v.sentBackReason : null,
          sentBack.get(v.returnId) ?? null,
        ),
      },
      status: { tag: v.status === 'draft' && v.sentBackReason ? SENT_BACK_TAG : STATUS_TAGS[v.status] },
    }));
    // What waits on the lead first: a list of a dozen measures in plan order hid the one sent back among them.
    const groups = TASK_GROUPS.map((g) => ({
      id: g.id,
      heading: open ? g.heading : g.closedHeading,
      items: items.filter((i) => i.group === g.id),
    })).filter((g) => g.items.length > 0);
    // Sent is every state past the lead's hands: an accepted return (two-stage cycles) was counted as not sent.
    // A withdrawn return is no longer asked for.
    const asked = returns.filter(({ view: v }) => v.status !== 'withdrawn');
    res.render('pages/agency/task-list', {
      title: `Your returns for ${cycle.label}`,
      cycle,
      agencyName,
      groups,
      done: asked.filter(({ view: v }) => SENT.has(v.status)).length,
      asked: asked.length,
      // Said in words at the top too: the lead of a late agency saw only the due date, as if nothing were late.
      overdue: asked.filter(({ view: v }) => v.overdue).length,
      open,
      // The spreadsheet holds the returns still to write: none once all are sent or the cycle has closed.
      offline: open && returns.some(({ view: v }) => !SENT.has(v.status)),
    });
  }

  @Get('returns/:returnId')
  async form(
    @Param('returnId') returnId: string,
    @QueryText('saved') saved: string | undefined,
    @QueryText('unchanged') unchanged: string | undefined,
    @QueryText('copied') copied: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const loaded = await this.load(returnId, actor);
    const { view, cycle } = loaded;
    // Only a return not started yet is offered last cycle's: copying over a draft would lose what was typed.
    const lastYear =
      view.status === 'requested' && mayChange(view, cycle)
        ? await this.agencyReturns.lastCycleApproved(actor, cycle, view.measureRef)
        : null;
    const thread = await this.threads.of(actor, returnId, await this.planWords.of(cycle));
    res.render('pages/agency/return-form', {
      ...this.formModel(loaded, view.content, {
        saved: saved === '1',
        unchanged: unchanged === '1',
        copied: copied === '1',
        copiedAlready: copied === 'already',
        lastYearLabel: lastYear?.label ?? null,
        notice: mayChange(view, cycle) ? undefined : closedNotice(view, cycle),
      }),
      thread,
      evidence: await this.evidence.of(actor, returnId),
    });
  }

  /** Starts a return from the same measure's approved return of last cycle, as a draft the lead then edits. */
  @Post('returns/:returnId/from-last-year')
  async fromLastYear(
    @Param('returnId') returnId: string,
    @Body() body: { version?: FormValue },
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const { view, cycle } = await this.load(returnId, actor);
    const previous = await this.agencyReturns.lastCycleApproved(actor, cycle, view.measureRef);
    if (!previous) {
      throw new DomainError(
        'no-earlier-return',
        'There is no approved return for this measure in an earlier cycle to start from',
        'not-found',
      );
    }
    const seenVersion = formPageVersion(body.version);
    // Only a return not started yet is copied over: copying over a draft would lose what was typed.
    if (view.status === 'requested') {
      try {
        await this.commands.execute(
          new SaveReturnDraftCommand(
            { actor, correlationId, expectedVersion: seenVersion },
            returnId,
            previous.content,
          ),
        );
        return res.redirect(303, `/agency/returns/${encodeURIComponent(returnId)}?copied=1`);
      } catch (error) {
        if (!refusedForNow(error)) throw error;
      }
    }
    return this.notCopied(res, actor, returnId, previous.content, seenVersion);
  }

  /**
   * "Start from last year's" on a page that was out of date. A return that already says what last year's did
   * (the button pressed twice, or in two tabs) is what the lead wanted: the form as it is, saying so. A return
   * started otherwise meanwhile (typed in another tab, a colleague's save) is not copied over: the form again, up
   * to date, with an error summary saying who did what since. A bare 409 page said neither.
   */
  private async notCopied(
    res: Response,
    actor: Actor,
    returnId: string,
    lastYears: ReturnContent,
    seenVersion: number | undefined,
  ) {
    const loaded = await this.load(returnId, actor);
    const { view, cycle } = loaded;
    const path = `/agency/returns/${encodeURIComponent(returnId)}`;
    if (view.status === 'draft' && mayChange(view, cycle) && draftUnchanged(lastYears, view.content))
      return res.redirect(303, `${path}?copied=already`);
    const history = await this.history.of(view, cycle);
    const own = history.filter((line) => !line.message && !line.file);
    const since = (
      seenVersion === undefined ? own.slice(0, 1) : own.filter((line) => line.version > seenVersion)
    ).reverse();
    const summary = mayChange(view, cycle)
      ? 'This return was started while you had this page open, so last cycle’s was not copied over it. ' +
        'Nothing was changed: the form below shows the return as it is now.'
      : `Last cycle’s return was not copied: this return is ${view.status} now, so it cannot be changed here.`;
    const model = this.formModel(loaded, view.content, {
      errors: [{ id: 'changed-meanwhile', text: summary }],
      notice: mayChange(view, cycle) ? undefined : closedNotice(view, cycle),
    });
    const thread = await this.threads.of(actor, returnId, await this.planWords.of(cycle));
    res.status(409).render('pages/agency/return-form', {
      ...model,
      changed: { summary, since },
      thread,
      evidence: await this.evidence.of(actor, returnId),
    });
  }

  /** Step 1: RAG rating, progress narrative, direction of travel and comments. */
  @Post('returns/:returnId')
  async save(
    @Param('returnId') returnId: string,
    @Body() body: ReturnFormBody,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const loaded = await this.load(returnId, actor);
    // Each step saves its own part; the rest of the draft stays as it was saved.
    const read = indicatorValuesFromForm(body, loaded.indicators);
    const content: ReturnContent = {
      ...loaded.view.content,
      ...ratingFromForm(body),
      ...(loaded.indicators.length ? { indicators: read.values } : {}),
    };
    const errors = [...read.errors, ...(await formErrors(content))];
    if (errors.length > 0 || body.action === 'preview') {
      return res.status(errors.length > 0 ? 400 : 200).render(
        'pages/agency/return-form',
        this.formModel(loaded, content, {
          errors,
          preview: body.action === 'preview',
          version: formPageVersion(body.version),
          typedIndicators: read.typed,
        }),
      );
    }
    await this.saveStep(res, actor, correlationId, loaded.view, body, content, 'rating');
  }

  /** Step 2: tables, edited cell by cell; Add/Remove buttons are form submits, so no JavaScript is needed. */
  @Get('returns/:returnId/tables')
  async tables(
    @Param('returnId') returnId: string,
    @QueryText('saved') saved: string | undefined,
    @QueryText('unchanged') unchanged: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const loaded = await this.load(returnId, actor);
    res.render(
      'pages/agency/return-tables',
      this.tablesModel(loaded, tableDrafts(loaded.view.content.tables), {
        saved: saved === '1',
        unchanged: unchanged === '1',
      }),
    );
  }

  @Post('returns/:returnId/tables')
  async saveTables(
    @Param('returnId') returnId: string,
    @Body() body: ReturnFormBody,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const loaded = await this.load(returnId, actor);
    const drafts = tableDraftsFromForm(body);
    const version = formPageVersion(body.version);
    if (formText(body.action) === 'paste-table') {
      // Nothing is saved: the pasted table joins the others on the page, to check before saving. A paste refused
      // comes back in its box with the reason, so the lead does not have to copy it again.
      const pasteText = formText(body['table-paste']);
      const pasted = pastedTable(pasteText);
      if ('problem' in pasted || drafts.length >= LIMITS.tables) {
        const text =
          'problem' in pasted ? pasted.problem : `A return can have at most ${LIMITS.tables} tables`;
        const errors = [{ id: 'table-paste', text }];
        return res.status(400).render('pages/agency/return-tables', {
          ...this.tablesModel(loaded, drafts, { errors, version }),
          pasteText,
        });
      }
      return res
        .status(200)
        .render(
          'pages/agency/return-tables',
          this.tablesModel(loaded, [...drafts, pasted.table], { version }),
        );
    }
    const edited = editTables(drafts, formText(body.action));
    if (edited)
      return res
        .status(200)
        .render('pages/agency/return-tables', this.tablesModel(loaded, edited, { version }));
    const content: ReturnContent = { ...loaded.view.content, tables: tablesFromDrafts(drafts) };
    const errors = await formErrors(content);
    if (errors.length > 0) {
      return res
        .status(400)
        .render('pages/agency/return-tables', this.tablesModel(loaded, drafts, { errors, version }));
    }
    await this.saveStep(res, actor, correlationId, loaded.view, body, content, 'tables');
  }

  /** Step 3: case studies, section by section. */
  @Get('returns/:returnId/case-studies')
  async caseStudies(
    @Param('returnId') returnId: string,
    @QueryText('saved') saved: string | undefined,
    @QueryText('unchanged') unchanged: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const loaded = await this.load(returnId, actor);
    res.render(
      'pages/agency/return-case-studies',
      this.caseStudiesModel(loaded, caseStudyDrafts(loaded.view.content.caseStudies), {
        saved: saved === '1',
        unchanged: unchanged === '1',
      }),
    );
  }

  @Post('returns/:returnId/case-studies')
  async saveCaseStudies(
    @Param('returnId') returnId: string,
    @Body() body: ReturnFormBody,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const loaded = await this.load(returnId, actor);
    const drafts = caseStudyDraftsFromForm(body);
    const version = formPageVersion(body.version);
    const edited = editCaseStudies(drafts, formText(body.action));
    if (edited) {
      return res
        .status(200)
        .render('pages/agency/return-case-studies', this.caseStudiesModel(loaded, edited, { version }));
    }
    const content: ReturnContent = { ...loaded.view.content, caseStudies: caseStudiesFromDrafts(drafts) };
    const errors = await formErrors(content);
    if (errors.length > 0) {
      return res
        .status(400)
        .render(
          'pages/agency/return-case-studies',
          this.caseStudiesModel(loaded, drafts, { errors, version }),
        );
    }
    await this.saveStep(res, actor, correlationId, loaded.view, body, content, 'case-studies');
  }

  /**
   * Saves a step as a draft. "Save and continue" goes on to the next step; "Save and come back later" stays,
   * saying it was saved, so the lead can leave and come back from their link, or that nothing had changed (the
   * step saved as it stood records nothing: "Your draft has been saved" said otherwise).
   */
  private async saveStep(
    res: Response,
    actor: Actor,
    correlationId: string,
    view: ReturnView,
    body: ReturnFormBody,
    content: ReturnContent,
    step: Step,
  ) {
    const { returnId } = view;
    // The version the save was decided at: the form's, or the one just read. A save that records nothing
    // leaves the return at it.
    const before = formPageVersion(body.version) ?? view.version;
    let after: number;
    try {
      ({ version: after } = await this.commands.execute(
        new SaveReturnDraftCommand(
          { actor, correlationId, expectedVersion: formPageVersion(body.version) },
          returnId,
          content,
        ),
      ));
    } catch (error) {
      if (!refusedForNow(error)) throw error;
      return this.notSaved(res, actor, returnId, content, step);
    }
    const path = `/agency/returns/${encodeURIComponent(returnId)}`;
    const here = `${path}${STEP_PATHS[step]}`;
    const next = {
      rating: `${path}/tables`,
      tables: `${path}/case-studies`,
      'case-studies': `${path}/check`,
    }[step];
    res.redirect(
      303,
      body.action === 'continue' ? next : `${here}?${after === before ? 'unchanged' : 'saved'}=1`,
    );
  }

  @Get('returns/:returnId/check')
  async check(@Param('returnId') returnId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const { view, measureText, indicators } = await this.load(returnId, actor);
    // A return already sent is read as sent: its check page offered Submit and Change links that could only
    // answer "already sent" or "cannot be changed here".
    if (SENT.has(view.status))
      return res.redirect(303, `/agency/returns/${encodeURIComponent(returnId)}/sent`);
    res.render('pages/agency/check', this.checkModel(view, measureText, undefined, indicators));
  }

  private checkModel(view: ReturnView, measureText: string, notice?: Notice, indicators: Indicator[] = []) {
    const returnId = view.returnId;
    const reason = missingRagReason(indicators, view.content);
    const missing = [
      ...(reason
        ? [{ text: reason, href: `/agency/returns/${encodeURIComponent(returnId)}#ragReason` }]
        : []),
      ...(view.content.rag
        ? []
        : [{ text: 'Select a RAG rating', href: `/agency/returns/${encodeURIComponent(returnId)}#rag` }]),
      ...(view.content.narrative
        ? []
        : [
            {
              text: 'Enter the progress narrative',
              href: `/agency/returns/${encodeURIComponent(returnId)}#narrative`,
            },
          ]),
      // The submit rule's own words for a table with nothing in it, linked to its caption.
      ...(view.content.tables ?? []).flatMap((table, t) =>
        !isEmptyTable(table)
          ? []
          : [
              {
                text: emptyTableMessage(t),
                href: `/agency/returns/${encodeURIComponent(returnId)}/tables#table-${t}-caption`,
              },
            ],
      ),
    ];
    return {
      title: 'Check your return before you submit it',
      view,
      measureText,
      missing,
      steps: stepLinks(returnId, 'check'),
      notice,
      backLink: `/agency/returns/${encodeURIComponent(returnId)}`,
    };
  }

  @Post('returns/:returnId/submit')
  async submit(
    @Param('returnId') returnId: string,
    @Body() body: { version?: FormValue },
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    await this.load(returnId, actor);
    try {
      await this.commands.execute(
        new SubmitReturnCommand(
          { actor, correlationId, expectedVersion: formPageVersion(body.version) },
          returnId,
        ),
      );
    } catch (error) {
      if (!refusedForNow(error)) throw error;
      return this.notSubmitted(res, actor, returnId);
    }
    res.redirect(303, `/agency/returns/${encodeURIComponent(returnId)}/submitted`);
  }

  @Get('returns/:returnId/submitted')
  async submitted(@Param('returnId') returnId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const { view, measureText } = await this.load(returnId, actor);
    res.render('pages/agency/submitted', { title: 'Return submitted', view, measureText });
  }

  /** The return as the lead last sent it, read-only, with its history. */
  @Get('returns/:returnId/sent')
  async lastSent(@Param('returnId') returnId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    await this.sent(returnId, undefined, actor, res);
  }

  /** One version the lead sent (each submission makes one), read-only. */
  @Get('returns/:returnId/sent/:version')
  async sentVersion(
    @Param('returnId') returnId: string,
    @Param('version') version: string,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.sent(returnId, version, actor, res);
  }

  private async sent(returnId: string, version: string | undefined, actor: Actor, res: Response) {
    const { view, measureText, cycle, agencyName } = await this.load(returnId, actor);
    const versions = sentVersions(view);
    const chosen =
      version === undefined ? versions.at(-1) : versions.find((v) => String(v.version) === version);
    if (!chosen) {
      throw new DomainError(
        'sent-version-not-found',
        version === undefined
          ? 'This return has not been sent yet'
          : 'No such version of this return was sent',
        'not-found',
      );
    }
    const path = `/agency/returns/${encodeURIComponent(returnId)}`;
    const sentAt = new Set(versions.map((v) => v.version));
    const words = await this.planWords.of(cycle);
    const thread = await this.threads.of(actor, returnId, words);
    const files = await this.evidence.of(actor, returnId);
    const history = (await this.history.of(view, cycle, words, thread.view.history, files.history)).map(
      (line) => ({
        ...line,
        href:
          !line.message && !line.file && sentAt.has(line.version) && line.version !== chosen.version
            ? `${path}/sent/${line.version}`
            : null,
      }),
    );
    res.render('pages/agency/sent', {
      title: `${view.measureRef}: your return as sent`,
      view,
      measureText,
      agencyName,
      cycle,
      chosen: { ...chosen, when: timeInWords(chosen.at) },
      latest: chosen === versions.at(-1),
      narrativeHtml: chosen.content.narrative ? renderNarrative(chosen.content.narrative) : null,
      status: STATUS_TAGS[view.status],
      editable: mayChange(view, cycle),
      history,
      thread,
      formPath: path,
      backLink: `/agency/cycles/${encodeURIComponent(view.cycleId)}`,
    });
  }

  /**
   * A save that came too late (the return changed since the form was opened, was sent, or its cycle closed):
   * nothing typed is lost. If the return can still be changed the form comes back with the typing in it, at the
   * latest version, so saving again replaces what came between; otherwise the typing is shown to copy.
   */
  private async notSaved(
    res: Response,
    actor: Actor,
    returnId: string,
    typed: ReturnContent,
    step: Step = 'rating',
  ) {
    const loaded = await this.load(returnId, actor);
    const { view, cycle } = loaded;
    const latest = (await this.history.of(view, cycle))[0];
    const path = `/agency/returns/${encodeURIComponent(returnId)}`;
    const notice: Notice = !mayChange(view, cycle)
      ? (closedNotice(view, cycle) ??
        (SENT.has(view.status)
          ? {
              heading: 'You have already sent this return',
              paragraphs: ['Once sent, a return is not changed here unless the reviewer sends it back.'],
              link: { href: `${path}/sent`, text: 'Read your return as you sent it' },
            }
          : {
              heading: 'Your changes were not saved',
              paragraphs: ['This return can no longer be changed here.'],
            }))
      : {
          heading: 'This return changed after you opened it',
          paragraphs: [
            `${latest.what}: ${latest.who}, ${latest.when}.`,
            'What you typed has not been saved yet: it is in the form below. Save it to replace that version with yours.',
          ],
          link: { href: path, text: 'Or open the latest version instead (what you typed here will be lost)' },
        };
    if (!mayChange(view, cycle)) {
      notice.paragraphs.push('What you typed is below so that you can copy it. It was not saved.');
    }
    // Still changeable: the step the lead was on comes back, with their typing, at the latest version.
    if (mayChange(view, cycle) && step === 'tables') {
      return res
        .status(409)
        .render(
          'pages/agency/return-tables',
          refusedPage(this.tablesModel(loaded, tableDrafts(typed.tables), {}), notice),
        );
    }
    if (mayChange(view, cycle) && step === 'case-studies') {
      return res
        .status(409)
        .render(
          'pages/agency/return-case-studies',
          refusedPage(this.caseStudiesModel(loaded, caseStudyDrafts(typed.caseStudies), {}), notice),
        );
    }
    res.status(409).render(
      'pages/agency/return-form',
      refusedPage(
        this.formModel(loaded, mayChange(view, cycle) ? typed : view.content, {
          unsaved: mayChange(view, cycle) ? null : typedText(typed),
        }),
        notice,
      ),
    );
  }

  /** A submit that came too late: already sent (Back, then Submit again), changed since, or the cycle closed. */
  private async notSubmitted(res: Response, actor: Actor, returnId: string) {
    const loaded = await this.load(returnId, actor);
    const { view, cycle, measureText } = loaded;
    if (SENT.has(view.status)) {
      return res.status(409).render('pages/agency/already-sent', {
        title: 'You have already sent this return',
        view,
        measureText,
        sent: sentVersions(view).at(-1),
        status: STATUS_TAGS[view.status],
        backLink: `/agency/cycles/${encodeURIComponent(view.cycleId)}`,
      });
    }
    if (!mayChange(view, cycle)) {
      const notice = closedNotice(view, cycle) ?? {
        heading: 'Your return was not submitted',
        paragraphs: [`This return is ${view.status}, so it cannot be sent here.`],
      };
      return res
        .status(409)
        .render('pages/agency/return-form', refusedPage(this.formModel(loaded, view.content, {}), notice));
    }
    const latest = (await this.history.of(view, cycle))[0];
    res.status(409).render(
      'pages/agency/check',
      refusedPage(this.checkModel(view, measureText), {
        heading: 'This return changed after you opened this page',
        paragraphs: [
          `${latest.what}: ${latest.who}, ${latest.when}.`,
          'It was not submitted. Check it again below, then submit it.',
        ],
      }),
    );
  }

  /** The history's line of the return's last send-back (who, when), or null when there is none. */
  private async sentBackLine(actor: Actor, returnId: string): Promise<HistoryLine | null> {
    const { view, cycle } = await this.load(returnId, actor);
    const sent = view.history?.findLast((h) => h.type === 'ReturnSentBack');
    if (!sent) return null;
    const lines = await this.history.of(view, cycle);
    return lines.find((h) => !h.message && !h.file && h.version === sent.version) ?? null;
  }

  private agencyOf(actor: Actor): string {
    // The guard lets only agency leads in (@Roles above); a lead's session always names its agency.
    if (!actor.agencyId) {
      throw new DomainError(
        'forbidden',
        'These pages are for agency leads, opened from the link in their email',
        'forbidden',
      );
    }
    return actor.agencyId;
  }

  private async load(returnId: string, actor: Actor) {
    this.agencyOf(actor);
    return this.agencyReturns.return(actor, returnId);
  }

  private formModel(
    loaded: Loaded,
    content: ReturnContent,
    extra: {
      errors?: FormError[];
      preview?: boolean;
      saved?: boolean;
      unchanged?: boolean;
      copied?: boolean;
      /** "Start from last year's" pressed again: the return already says what last year's did. */
      copiedAlready?: boolean;
      lastYearLabel?: string | null;
      notice?: Notice;
      unsaved?: { label: string; text: string }[] | null;
      /** The version the lead's form was at: a form with errors comes back at it, so a stale save is still caught. */
      version?: number;
      /** The indicator values as typed, kept as they were when one is not a number. */
      typedIndicators?: string[];
    },
  ) {
    const step = this.stepModel(loaded, 'rating', 'Rating and progress', extra);
    return {
      ...step,
      indicatorFields: indicatorFields(loaded.indicators, content, extra.typedIndicators, step.errorsById),
      suggestedRag: suggestedRagWords(loaded.indicators, content),
      copied: extra.copied ?? false,
      copiedAlready: extra.copiedAlready ?? false,
      lastYearLabel: extra.lastYearLabel ?? null,
      notice: extra.notice ?? null,
      unsaved: extra.unsaved ?? null,
      sentBefore: sentVersions(loaded.view).length > 0,
      content,
      previewHtml: extra.preview && content.narrative ? renderNarrative(content.narrative) : null,
    };
  }

  private tablesModel(
    loaded: Loaded,
    tables: TableDraft[],
    extra: { errors?: FormError[]; saved?: boolean; unchanged?: boolean; version?: number },
  ) {
    return {
      ...this.stepModel(loaded, 'tables', 'Tables', extra),
      tables,
      // As the tables will print: what saving now would keep.
      preview: tablesFromDrafts(tables),
    };
  }

  private caseStudiesModel(
    loaded: Loaded,
    caseStudies: CaseStudyDraft[],
    extra: { errors?: FormError[]; saved?: boolean; unchanged?: boolean; version?: number },
  ) {
    return {
      ...this.stepModel(loaded, 'case-studies', 'Case studies', extra),
      caseStudies,
      preview: caseStudiesFromDrafts(caseStudies),
    };
  }

  /** What every step of the form shows: the errors (in the title too), the steps, where to go back to. */
  private stepModel(
    loaded: Loaded,
    step: Step,
    stepName: string,
    extra: { errors?: FormError[]; saved?: boolean; unchanged?: boolean; version?: number },
  ) {
    const { view, measureText, cycle } = loaded;
    const errors = extra.errors ?? [];
    return {
      title: `${errors.length > 0 ? 'Error: ' : ''}${stepName} - ${view.measureRef}: your return`,
      formVersion: extra.version ?? view.version,
      view,
      measureText,
      editable: mayChange(view, cycle),
      steps: stepLinks(view.returnId, step),
      stepName,
      action: `/agency/returns/${encodeURIComponent(view.returnId)}${STEP_PATHS[step]}`,
      errors: errors.map((e) => ({ text: e.text, href: `#${e.id}` })),
      // Each field's own message, shown above it (the first message, if a field broke two rules).
      errorsById: Object.fromEntries([...errors].reverse().map((e) => [e.id, e.text])),
      saved: extra.saved ?? false,
      unchanged: extra.unchanged ?? false,
      backLink: `/agency/cycles/${encodeURIComponent(view.cycleId)}`,
    };
  }
}

type Loaded = { view: ReturnView; measureText: string; cycle: LiveCycle; indicators: Indicator[] };

/** The steps of the form and check answers, for the list at the top of each page. */
function stepLinks(returnId: string, current: Step | 'check') {
  const path = `/agency/returns/${encodeURIComponent(returnId)}`;
  return [
    { text: 'Rating and progress', href: path, current: current === 'rating' },
    { text: 'Tables', href: `${path}/tables`, current: current === 'tables' },
    { text: 'Case studies', href: `${path}/case-studies`, current: current === 'case-studies' },
    { text: 'Check your answers', href: `${path}/check`, current: current === 'check' },
  ];
}

interface Notice {
  heading: string;
  paragraphs: string[];
  link?: { href: string; text: string };
  /**
   * What the lead pressed was refused (not saved, not submitted): the banner is an alert, focused as the page
   * opens, and the title says "Error:". Without it the refused save came back looking like the form reloaded,
   * and a screen reader read the same title as before: nothing said the typing was not saved.
   */
  refused?: boolean;
}

/** A step's or check page's model, when what the lead pressed was refused: its title says so, and its notice. */
function refusedPage<M extends { title: string }>(model: M, notice: Notice): M & { notice: Notice } {
  return { ...model, title: `Error: ${model.title}`, notice: { ...notice, refused: true } };
}

/** Why a return cannot be changed, when its cycle has closed; null when that is not the reason. */
function closedNotice(view: ReturnView, cycle: LiveCycle): Notice | undefined {
  if (cycle.status === 'open' || SENT.has(view.status) || view.status === 'withdrawn') return undefined;
  return {
    heading: 'This monitoring cycle has closed',
    paragraphs: [
      `Returns for ${cycle.label} can no longer be changed, so nothing more can be saved or submitted here.`,
      'If you still need to send something, reply to the email your link came in and the coordinator will help.',
    ],
  };
}

/** Saving or submitting was refused because of the return's state now, not because of what was typed. */
function refusedForNow(error: unknown): boolean {
  return error instanceof ConcurrencyError || (error instanceof DomainError && error.kind === 'conflict');
}

/** What a lead typed, as text to copy, when it could not be saved. */
function typedText(content: ReturnContent): { label: string; text: string }[] {
  return [
    { label: 'RAG rating', text: content.rag ?? '' },
    { label: 'Progress this period', text: content.narrative ?? '' },
    { label: 'Direction of travel', text: content.dot ?? '' },
    { label: 'Comments on the direction of travel', text: content.comments ?? '' },
    ...(content.tables ?? []).map((t, i) => ({
      label: `Table ${i + 1}${t.caption ? `: ${t.caption}` : ''}`,
      text: tableText(t),
    })),
    ...(content.caseStudies ?? []).map((c, i) => ({
      label: `Case study ${i + 1}${c.title ? `: ${c.title}` : ''}`,
      text: caseStudyText(c),
    })),
  ].filter((f) => f.text);
}

function longDate(iso: string): string {
  return new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}
