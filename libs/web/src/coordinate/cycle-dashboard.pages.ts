import { Body, Controller, Get, Inject, Param, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
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
import { Actor, Clock, DomainError, isWellFormedId } from '../../../kernel/src/index.js';
import { CycleDashboard } from '../cycle-dashboard/cycle-dashboard.query.js';
import { staffNavigation } from '../review.pages.js';
import { CYCLE_ACTIONS } from './cycle-actions.js';
import { singleValues } from '../form-fields.js';
import { dateInputItems, postedDateParts } from '../date-input/date-input.js';
import { FormFields } from '../form-fields.js';
import { act, Form, noSuchAction } from './coordinator.js';
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

/**
 * A cycle's dashboard and each agency's page in it, and every action on the cycle from them (see
 * CYCLE_ACTIONS). Actions about one agency come back to that agency's page.
 */
@ApiExcludeController()
@Controller('coordinate')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'These pages are for coordinators')
export class CycleDashboardPages {
  constructor(
    @Inject(CycleDashboard) private readonly dashboard: CycleDashboard,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(LinksAdmin) private readonly links: LinksAdmin,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get('cycles/:cycleId')
  async show(
    @Param('cycleId') cycleId: string,
    @PageMessage('done') done: string | undefined,
    @PageMessage('error') error: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.renderDashboard(res, 200, actor, cycleId, { done, error });
  }

  @Get('cycles/:cycleId/agencies/:agencyId')
  async agency(
    @Param('cycleId') cycleId: string,
    @Param('agencyId') agencyId: string,
    @PageMessage('done') done: string | undefined,
    @PageMessage('error') error: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.renderAgency(res, 200, actor, cycleId, agencyId, { done, error });
  }

  @Post('cycles/:cycleId/:action')
  async cycleAction(
    @Param('cycleId') cycleId: string,
    @Param('action') action: string,
    @Body() posted: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    // None of a cycle's actions takes a list: each field is read as the one value the page's form sends.
    let form = singleValues(posted);
    const envelope = { actor, correlationId };
    const cyclePage = `/coordinate/cycles/${encodeURIComponent(cycleId)}`;
    // Back to the agency's page only when the field can name one: it goes into the Location header as it came.
    const agencyId = isWellFormedId('slug', form.agencyId) ? form.agencyId : undefined;
    const back = agencyId ? `${cyclePage}/agencies/${encodeURIComponent(agencyId)}` : cyclePage;
    if (action === 'extend-agency') {
      const problem = extensionProblem(form, this.clock.now());
      if (problem) return this.renderAgency(res, 400, actor, cycleId, agencyId ?? '', { extend: problem });
      form = { ...form, dueDate: postedDueDate(form) };
    }
    const run = CYCLE_ACTIONS.get(action) ?? noSuchAction;
    await act(
      res,
      back,
      () => run({ commands: this.commands, links: this.links, envelope, cycleId, form }),
      (error) => this.refused(res, actor, cycleId, agencyId, action, form, error),
    );
  }

  /**
   * An action a rule refused, on the page its form is on, with the rule's status: the rule beside the box it
   * names (a reason, a new due date not after one set, a report heading too long) or in the error summary when it
   * names none (returns still unresolved, the agency with nothing left to extend), and every box as typed. It went
   * to the summary of a fresh page, what was typed lost. False for a form with nothing typed (publish, chase).
   */
  private async refused(
    res: Response,
    actor: Actor,
    cycleId: string,
    agencyId: string | undefined,
    action: string,
    form: FormFields,
    error: DomainError,
  ): Promise<boolean> {
    const status = statusOf(error);
    const typed = form.reason ?? '';
    const message = error.field === 'dueDate' ? dueDateRefusal(error.message) : error.message;
    const rule = { text: message, beside: error.field === 'reason' };
    if (action === 'report-headings' || action === 'close') {
      await this.renderDashboard(res, status, actor, cycleId, {
        headings:
          action === 'report-headings'
            ? {
                reportTitle: form.reportTitle ?? '',
                yearHeading: form.yearHeading ?? '',
                introduction: form.introduction ?? '',
                field: HEADING_LABELS[error.field ?? ''] ? error.field! : '',
                text: headingRefusal(error),
              }
            : undefined,
        close:
          action === 'close'
            ? { force: form.force === 'yes', reason: typed, error: message, beside: rule.beside }
            : undefined,
      });
      return true;
    }
    if (!agencyId) return false;
    if (action === 'revoke-link' && form.linkId) {
      await this.renderAgency(res, status, actor, cycleId, agencyId, {
        revoke: { linkId: form.linkId, reason: typed, error: message, beside: rule.beside },
      });
      return true;
    }
    if (action === 'reissue-links') {
      await this.renderAgency(res, status, actor, cycleId, agencyId, {
        reissue: { reason: typed, error: message, beside: rule.beside },
      });
      return true;
    }
    if (action === 'extend-agency') {
      const date = error.field === 'dueDate';
      const items = dateInputItems(postedDateParts(form, 'dueDate'), date ? ALL_DATE_PARTS : []);
      await this.renderAgency(res, status, actor, cycleId, agencyId, {
        extend: {
          items,
          reason: typed,
          reasonError: rule.beside ? message : undefined,
          dateError: date ? message : undefined,
          ...pastDueDate(form, this.clock.now()),
        },
        // A rule about neither box (nothing left to extend, the cycle closed) in the summary, linking to the form.
        elsewhere: date || rule.beside ? undefined : { text: message, href: '#dueDate-day' },
      });
      return true;
    }
    return false;
  }

  /** The dashboard, with the headings' or the close form as posted when a rule refused it. */
  private async renderDashboard(
    res: Response,
    status: number,
    actor: Actor,
    cycleId: string,
    extra: { done?: string; error?: string; headings?: RefusedHeadings; close?: RefusedClose },
  ) {
    const model = await this.dashboard.of(actor, cycleId);
    const { headings } = extra;
    // The close form is there only while the cycle is open (closed meanwhile, say, it is not): its reason to copy.
    const formGone = model.cycle.status !== 'open';
    const close = extra.close && {
      ...extra.close,
      toCopy: formGone && extra.close.reason.trim() ? extra.close.reason : '',
    };
    const errors = [
      ...(headings ? [{ text: headings.text, href: `#${headings.field || 'reportTitle'}` }] : []),
      ...(close
        ? [
            {
              text: close.error,
              href: close.toCopy
                ? '#typed-reason'
                : formGone
                  ? '#main-content'
                  : close.beside
                    ? '#reason-close'
                    : '#force',
            },
          ]
        : []),
    ];
    res.status(status).render('pages/coordinate/dashboard', {
      ...model,
      title: `${errors.length ? 'Error: ' : ''}${model.cycle.label}`,
      heading: model.cycle.label,
      errors,
      headings: headings ?? {
        reportTitle: model.cycle.reportTitle ?? '',
        yearHeading: model.cycle.yearHeading ?? '',
        introduction: model.cycle.introduction ?? '',
      },
      headingsRefused: Boolean(headings),
      close: close ?? null,
      done: extra.done,
      error: extra.error,
      navigation: staffNavigation(actor, '/coordinate'),
      backLink: '/coordinate',
    });
  }

  private async renderAgency(
    res: Response,
    status: number,
    actor: Actor,
    cycleId: string,
    agencyId: string,
    extra: {
      done?: string;
      error?: string;
      extend?: ExtendForm;
      reissue?: RefusedReissue;
      revoke?: RefusedRevoke;
      /** A rule's refusal of the extension that names neither of its boxes. */
      elsewhere?: { text: string; href: string };
    },
  ) {
    const model = await this.dashboard.of(actor, cycleId);
    const agency = model.agencies.find((a) => a.agencyId === agencyId);
    if (!agency) throw new DomainError('agency-not-found', 'No such agency in this cycle', 'not-found');
    const extend = extra.extend ?? emptyExtendForm();
    // The agency's forms are on the page only while the cycle is open.
    const open = model.cycle.status === 'open';
    // Beside its box when the page has one: a live link of this agency (another id has no box to be beside).
    const revoke =
      open && extra.revoke && agency.links.some((l) => l.linkId === extra.revoke!.linkId && !l.revoked)
        ? extra.revoke
        : undefined;
    // The reason typed in a form the page no longer has (the link revoked, the cycle closed meanwhile), to copy.
    const gone = [
      extra.revoke && !revoke ? extra.revoke.reason : '',
      extra.reissue && !open ? extra.reissue.reason : '',
      extra.extend && !open ? extra.extend.reason : '',
    ];
    const toCopy = gone.find((reason) => reason.trim()) ?? '';
    // The extension's new due date with it: the reason alone to copy, the date typed was lost.
    const toCopyDueDate = extra.extend && !open ? typedDueDate(extra.extend) : '';
    const away = toCopy || toCopyDueDate ? '#typed-reason' : open ? '#links' : '#main-content';
    const errors = [
      ...extensionErrors(extend, 'reason-extend').map((e) => (open ? e : { ...e, href: away })),
      ...(extra.elsewhere ? [open ? extra.elsewhere : { ...extra.elsewhere, href: away }] : []),
      ...(extra.reissue ? [{ text: extra.reissue.error, href: open ? '#reason-reissue' : away }] : []),
      ...(extra.revoke
        ? [{ text: extra.revoke.error, href: revoke ? `#reason-revoke-${revoke.linkId}` : away }]
        : []),
    ];
    res.status(status).render('pages/coordinate/cycle-agency', {
      title: `${errors.length ? 'Error: ' : ''}${agency.name} in ${model.cycle.label}`,
      heading: agency.name,
      cycle: model.cycle,
      agency,
      extend,
      reissue: extra.reissue,
      revoke,
      toCopy,
      toCopyDueDate,
      errors,
      done: extra.done,
      error: extra.error,
      navigation: staffNavigation(actor, '/coordinate'),
      backLink: `/coordinate/cycles/${encodeURIComponent(cycleId)}`,
    });
  }
}

/** A revoke form's reason as typed, the link it was for, and the rule's word on it (beside the box when about it). */
interface RefusedRevoke {
  linkId: string;
  reason: string;
  error: string;
  beside: boolean;
}

/** The reissue form's reason as typed, and the rule's word on it (beside the box when about it). */
interface RefusedReissue {
  reason: string;
  error: string;
  beside: boolean;
}

/** The report's headings as typed, and the rule's word on the one it names. */
interface RefusedHeadings {
  reportTitle: string;
  yearHeading: string;
  introduction: string;
  field: string;
  text: string;
}

/** The close form as posted (forced or not, the reason), and the rule's word on it. */
interface RefusedClose {
  force: boolean;
  reason: string;
  error: string;
  beside: boolean;
}

/** Each report heading's label on the page, which its rule's message names by the API's field. */
const HEADING_LABELS: Record<string, string> = {
  reportTitle: 'Report title',
  yearHeading: 'Year heading',
  introduction: 'Opening sentence',
};

/** A heading's refusal in the page's words: "Report title must be ...", not "reportTitle must be ...". */
function headingRefusal(error: DomainError): string {
  const label = HEADING_LABELS[error.field ?? ''];
  return label && error.message.startsWith(error.field!)
    ? `${label}${error.message.slice(error.field!.length)}`
    : error.message;
}
