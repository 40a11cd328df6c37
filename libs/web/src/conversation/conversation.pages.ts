import { Body, Controller, Get, Inject, Param, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import { ConcurrencyError } from '../../../event-store/src/index.js';
import { CorrelationId, CurrentActor, PageErrorFilter, QueryText, Roles } from '../../../http/src/index.js';
import {
  GetCycle,
  GetReturn,
  MESSAGE_MAX_LENGTH,
  PostMessageCommand,
  ResolveChangeRequestCommand,
} from '../../../returns/src/index.js';
import { AgencyReturns } from '../agency-returns/agency-returns.query.js';
import { CyclePlanWords, PlanWords } from '../plan-words.js';
import { staffNavigation } from '../review.pages.js';
import { ReturnThread } from './return-thread.query.js';
import { formPageVersion, formText, FormValue } from '../form-fields.js';

type MessageForm = { version?: FormValue; body?: FormValue; changeRequest?: FormValue; answers?: FormValue };

/** What the page says about the return the thread is on, whoever reads it. */
interface About {
  returnId: string;
  measureRef: string;
  measureText: string;
  agencyName: string;
  cycleLabel: string;
  status: string;
  backLink: string;
  words: PlanWords;
}

/** The GOV.UK error pattern's parts for a rule a message broke: its field and its words. */
const FIELD_IDS: Record<string, string> = {
  body: 'body',
  changeRequest: 'changeRequest',
  answers: 'answers',
};

/**
 * A return's messages page, shared by its two sides: the thread, a form to write (staff may ask for a change,
 * the lead may say which change request a reply answers) and, for staff, resolving a change request. Writes run
 * the API's own commands; a rule broken comes back on the page GOV.UK style, the typed message kept.
 */
abstract class ConversationPages {
  constructor(
    protected readonly commands: CommandBus,
    protected readonly threads: ReturnThread,
  ) {}

  protected abstract about(actor: Actor, returnId: string): Promise<About>;
  protected abstract path(returnId: string): string;
  protected abstract extra(actor: Actor): object;

  protected async show(
    res: Response,
    status: number,
    actor: Actor,
    returnId: string,
    extra: {
      form?: MessageForm;
      error?: { field: string; text: string };
      posted?: string;
      resolved?: string;
    },
  ) {
    const about = await this.about(actor, returnId);
    const thread = await this.threads.of(actor, returnId, about.words);
    const { words: _words, ...aboutWords } = about;
    const error = extra.error;
    res.status(status).render('pages/conversation/messages', {
      title: `${error ? 'Error: ' : ''}Messages - ${about.measureRef}`,
      about: aboutWords,
      thread,
      staff: actor.role !== 'agency-lead',
      action: this.path(returnId),
      form: {
        version: extra.form?.version ?? String(thread.version),
        body: extra.form?.body ?? '',
        changeRequest: extra.form?.changeRequest === 'yes',
        answers: extra.form?.answers ?? '',
      },
      answerItems: [
        ...thread.open.map((m) => ({
          value: m.id,
          text: `Yes, it answers ${m.id} from ${m.who}`,
          checked: extra.form?.answers === m.id,
        })),
        {
          value: 'none',
          text: 'No, it is a new message',
          checked: !extra.form?.answers || extra.form.answers === 'none',
        },
      ],
      maxLength: MESSAGE_MAX_LENGTH,
      // A change request can be asked only of a return not yet approved (the rules refuse it otherwise).
      mayAskForChange: ['requested', 'draft', 'submitted'].includes(about.status),
      errors: error ? [{ text: error.text, href: `#${FIELD_IDS[error.field] ?? 'body'}` }] : [],
      errorsById: error ? { [FIELD_IDS[error.field] ?? 'body']: error.text } : {},
      posted: extra.posted && thread.messages.some((m) => m.id === extra.posted) ? extra.posted : null,
      resolved:
        extra.resolved && thread.messages.some((m) => m.id === extra.resolved) ? extra.resolved : null,
      backLink: about.backLink,
      ...this.extra(actor),
    });
  }

  protected async post(
    res: Response,
    actor: Actor,
    correlationId: string,
    returnId: string,
    form: MessageForm,
  ) {
    const answered = formText(form.answers);
    const answers = actor.role === 'agency-lead' && answered && answered !== 'none' ? answered : null;
    try {
      const result = await this.commands.execute(
        new PostMessageCommand(
          { actor, correlationId, expectedVersion: formPageVersion(form.version) },
          returnId,
          formText(form.body),
          actor.role !== 'agency-lead' && form.changeRequest === 'yes',
          answers,
        ),
      );
      res.redirect(
        303,
        `${this.path(returnId)}?posted=${encodeURIComponent(result.messageId)}#${result.messageId}`,
      );
    } catch (error) {
      const problem = pageProblem(error);
      if (!problem) throw error;
      // A stale form comes back at the thread's new version, the typing kept: sending again posts it.
      const kept = problem.status === 409 ? { ...form, version: undefined } : form;
      return this.show(res, problem.status, actor, returnId, { form: kept, error: problem });
    }
  }
}

/** Rules a message broke, and a thread that moved on meanwhile, as page errors; anything else is not ours. */
function pageProblem(error: unknown): { status: number; field: string; text: string } | null {
  if (error instanceof ConcurrencyError) {
    return {
      status: 409,
      field: 'body',
      text: 'Someone wrote on this return while you were writing: read their message above, then send yours again',
    };
  }
  if (error instanceof DomainError && error.kind === 'unprocessable') {
    const text =
      error.code === 'message-required'
        ? 'Enter your message'
        : error.code === 'message-too-long'
          ? `Your message must be ${MESSAGE_MAX_LENGTH.toLocaleString('en-GB')} characters or fewer`
          : error.message;
    return { status: 422, field: error.field ?? 'body', text };
  }
  return null;
}

@ApiExcludeController()
@Controller('agency/returns/:returnId/messages')
@UseFilters(PageErrorFilter)
@Roles(['agency-lead'], 'These pages are for agency leads, opened from the link in their email')
export class AgencyConversationPages extends ConversationPages {
  constructor(
    @Inject(CommandBus) commands: CommandBus,
    @Inject(ReturnThread) threads: ReturnThread,
    @Inject(AgencyReturns) private readonly agencyReturns: AgencyReturns,
    @Inject(CyclePlanWords) private readonly planWords: CyclePlanWords,
  ) {
    super(commands, threads);
  }

  @Get()
  async page(
    @Param('returnId') returnId: string,
    @QueryText('posted') posted: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.show(res, 200, actor, returnId, { posted });
  }

  @Post()
  async write(
    @Param('returnId') returnId: string,
    @Body() form: MessageForm,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    await this.post(res, actor, correlationId, returnId, form);
  }

  protected path(returnId: string) {
    return `/agency/returns/${encodeURIComponent(returnId)}/messages`;
  }

  protected extra() {
    return {};
  }

  protected async about(actor: Actor, returnId: string): Promise<About> {
    const { view, measureText, cycle } = await this.agencyReturns.return(actor, returnId);
    const words = await this.planWords.of(cycle);
    const sent = view.status === 'submitted' || view.status === 'approved';
    return {
      returnId,
      measureRef: view.measureRef,
      measureText,
      agencyName: words.agencyName(view.agencyId),
      cycleLabel: cycle.label,
      status: view.status,
      backLink: `/agency/returns/${encodeURIComponent(returnId)}${sent ? '/sent' : ''}`,
      words,
    };
  }
}

@ApiExcludeController()
@Controller('review/returns/:returnId/messages')
@UseFilters(PageErrorFilter)
@Roles(['reviewer', 'coordinator'], 'Only reviewers and coordinators review returns')
export class StaffConversationPages extends ConversationPages {
  constructor(
    @Inject(CommandBus) commands: CommandBus,
    @Inject(ReturnThread) threads: ReturnThread,
    @Inject(GetReturn) private readonly returns: GetReturn,
    @Inject(GetCycle) private readonly cycles: GetCycle,
    @Inject(CyclePlanWords) private readonly planWords: CyclePlanWords,
  ) {
    super(commands, threads);
  }

  @Get()
  async page(
    @Param('returnId') returnId: string,
    @QueryText('posted') posted: string | undefined,
    @QueryText('resolved') resolved: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.show(res, 200, actor, returnId, { posted, resolved });
  }

  @Post()
  async write(
    @Param('returnId') returnId: string,
    @Body() form: MessageForm,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    await this.post(res, actor, correlationId, returnId, form);
  }

  @Post(':messageId/resolve')
  async resolve(
    @Param('returnId') returnId: string,
    @Param('messageId') messageId: string,
    @Body() form: { version?: FormValue },
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    try {
      await this.commands.execute(
        new ResolveChangeRequestCommand(
          { actor, correlationId, expectedVersion: formPageVersion(form.version) },
          returnId,
          messageId,
        ),
      );
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      return this.show(res, 409, actor, returnId, {
        error: { field: 'body', text: 'Someone wrote on this return meanwhile: read it, then resolve again' },
      });
    }
    res.redirect(303, `${this.path(returnId)}?resolved=${encodeURIComponent(messageId)}#${messageId}`);
  }

  protected path(returnId: string) {
    return `/review/returns/${encodeURIComponent(returnId)}/messages`;
  }

  protected extra(actor: Actor) {
    return { navigation: staffNavigation(actor, actor.role === 'coordinator' ? '/coordinate' : '/review') };
  }

  protected async about(actor: Actor, returnId: string): Promise<About> {
    const view = await this.returns.view(actor, returnId);
    const { state: cycle } = await this.cycles.cycle(actor, view.cycleId);
    const words = await this.planWords.of(cycle);
    const page = actor.role === 'coordinator' ? 'coordinate' : 'review';
    return {
      returnId,
      measureRef: view.measureRef,
      measureText: words.measureText(view.measureRef),
      agencyName: words.agencyName(view.agencyId),
      cycleLabel: cycle.label,
      status: view.status,
      backLink: `/${page}/returns/${encodeURIComponent(returnId)}`,
      words,
    };
  }
}
