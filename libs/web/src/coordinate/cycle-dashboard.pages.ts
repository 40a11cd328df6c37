import { Body, Controller, Get, Inject, Param, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { LinksAdmin } from '../../../auth/src/index.js';
import { CorrelationId, CurrentActor, PageErrorFilter, PageMessage, Roles } from '../../../http/src/index.js';
import { Actor, Clock, DomainError, isWellFormedId } from '../../../kernel/src/index.js';
import { CycleDashboard } from '../cycle-dashboard/cycle-dashboard.query.js';
import { staffNavigation } from '../review.pages.js';
import { CYCLE_ACTIONS } from './cycle-actions.js';
import { singleValues } from '../form-fields.js';
import { dateInputItems, postedDateParts } from '../date-input/date-input.js';
import { act, Form, noSuchAction } from './coordinator.js';
import {
  emptyExtendForm,
  ExtendForm,
  extensionErrors,
  extensionProblem,
  postedDueDate,
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
    const model = await this.dashboard.of(actor, cycleId);
    res.render('pages/coordinate/dashboard', {
      title: model.cycle.label,
      ...model,
      done,
      error,
      navigation: staffNavigation(actor, '/coordinate'),
      backLink: '/coordinate',
    });
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
      async (error) => {
        // A refused reason (empty, too long, unreadable) beside the box it was typed in, with what was typed: it
        // was said only in the page's summary, linking to the top of the page.
        const typed = form.reason ?? '';
        if (error.field !== 'reason' || !agencyId) return false;
        if (action === 'revoke-link' && form.linkId) {
          await this.renderAgency(res, 422, actor, cycleId, agencyId, {
            revoke: { linkId: form.linkId, reason: typed, error: error.message },
          });
          return true;
        }
        if (action === 'reissue-links') {
          await this.renderAgency(res, 422, actor, cycleId, agencyId, {
            reissue: { reason: typed, error: error.message },
          });
          return true;
        }
        if (action === 'extend-agency') {
          const items = dateInputItems(postedDateParts(form, 'dueDate'));
          await this.renderAgency(res, 422, actor, cycleId, agencyId, {
            extend: { items, reason: typed, reasonError: error.message },
          });
          return true;
        }
        return false;
      },
    );
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
    },
  ) {
    const model = await this.dashboard.of(actor, cycleId);
    const agency = model.agencies.find((a) => a.agencyId === agencyId);
    if (!agency) throw new DomainError('agency-not-found', 'No such agency in this cycle', 'not-found');
    const extend = extra.extend ?? emptyExtendForm();
    // Beside its box when the page has one: a live link of this agency (another id has no box to be beside).
    const revoke =
      extra.revoke && agency.links.some((l) => l.linkId === extra.revoke!.linkId && !l.revoked)
        ? extra.revoke
        : undefined;
    const errors = [
      ...extensionErrors(extend, 'reason-extend'),
      ...(extra.reissue ? [{ text: extra.reissue.error, href: '#reason-reissue' }] : []),
      ...(extra.revoke
        ? [{ text: extra.revoke.error, href: revoke ? `#reason-revoke-${revoke.linkId}` : '#links' }]
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
      errors,
      done: extra.done,
      error: extra.error,
      navigation: staffNavigation(actor, '/coordinate'),
      backLink: `/coordinate/cycles/${encodeURIComponent(cycleId)}`,
    });
  }
}

/** A revoke form's reason as typed, the link it was for, and the rule's word on it. */
interface RefusedRevoke {
  linkId: string;
  reason: string;
  error: string;
}

/** The reissue form's reason as typed, and the rule's word on it. */
interface RefusedReissue {
  reason: string;
  error: string;
}
