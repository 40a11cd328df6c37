import { Body, Controller, Get, Inject, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { LinksAdmin } from '../../../auth/src/index.js';
import { CorrelationId, CurrentActor, PageErrorFilter, Roles } from '../../../http/src/index.js';
import { Actor, Clock, DomainError } from '../../../kernel/src/index.js';
import { CycleDashboard } from '../cycle-dashboard/cycle-dashboard.query.js';
import {
  dateInputItems,
  DatePart,
  parseDateInput,
  postedDateParts,
  todayInLondon,
} from '../date-input/date-input.js';
import { staffNavigation } from '../review.pages.js';
import { CYCLE_ACTIONS } from './cycle-actions.js';
import { act, Form, noSuchAction } from './coordinator.js';

/** What the agency page's extension form shows again after a problem: what was typed, and what is wrong. */
interface ExtendForm {
  items: ReturnType<typeof dateInputItems>;
  reason: string;
  dateError?: string;
  reasonError?: string;
  askPastConfirmation?: boolean;
}

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
    @Query('done') done: string | undefined,
    @Query('error') error: string | undefined,
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
    @Query('done') done: string | undefined,
    @Query('error') error: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    await this.renderAgency(res, 200, actor, cycleId, agencyId, { done, error });
  }

  @Post('cycles/:cycleId/:action')
  async cycleAction(
    @Param('cycleId') cycleId: string,
    @Param('action') action: string,
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const envelope = { actor, correlationId };
    const cyclePage = `/coordinate/cycles/${encodeURIComponent(cycleId)}`;
    const agencyId = form.agencyId || undefined;
    const back = agencyId ? `${cyclePage}/agencies/${encodeURIComponent(agencyId)}` : cyclePage;
    if (action === 'extend-agency') {
      const problem = this.extensionProblem(form);
      if (problem) return this.renderAgency(res, 400, actor, cycleId, agencyId ?? '', { extend: problem });
      form = { ...form, dueDate: parseDate(form) };
    }
    await act(res, back, async () => {
      const run = CYCLE_ACTIONS.get(action) ?? noSuchAction;
      return run({ commands: this.commands, links: this.links, envelope, cycleId, form });
    });
  }

  /**
   * What is wrong with an extension before it is tried, in the GOV.UK error pattern: a date that is not one, a
   * missing reason, or a date in the past not yet confirmed. Null when it can go to the command.
   */
  private extensionProblem(form: Form): ExtendForm | null {
    const parts = postedDateParts(form, 'dueDate');
    const parsed = parseDateInput(parts, 'New due date');
    const reason = form.reason ?? '';
    const wrong: DatePart[] = parsed.ok ? [] : parsed.parts;
    const past = parsed.ok && parsed.date < todayInLondon(this.clock.now()) && form.confirmPast !== 'yes';
    const reasonError = reason.trim() ? undefined : 'Enter why the deadline is extended';
    if (parsed.ok && !past && !reasonError) return null;
    return {
      items: dateInputItems(parts, wrong),
      reason,
      dateError: parsed.ok
        ? past
          ? 'New due date is in the past: check it, or confirm that is what you mean'
          : undefined
        : parsed.message,
      reasonError,
      askPastConfirmation: past,
    };
  }

  private async renderAgency(
    res: Response,
    status: number,
    actor: Actor,
    cycleId: string,
    agencyId: string,
    extra: { done?: string; error?: string; extend?: ExtendForm },
  ) {
    const model = await this.dashboard.of(actor, cycleId);
    const agency = model.agencies.find((a) => a.agencyId === agencyId);
    if (!agency) throw new DomainError('agency-not-found', 'No such agency in this cycle', 'not-found');
    const extend = extra.extend ?? { items: dateInputItems({}), reason: '' };
    const errors = [
      ...(extend.dateError ? [{ text: extend.dateError, href: '#dueDate-day' }] : []),
      ...(extend.reasonError ? [{ text: extend.reasonError, href: '#reason-extend' }] : []),
    ];
    res.status(status).render('pages/coordinate/cycle-agency', {
      title: `${errors.length ? 'Error: ' : ''}${agency.name} in ${model.cycle.label}`,
      heading: agency.name,
      cycle: model.cycle,
      agency,
      extend,
      errors,
      done: extra.done,
      error: extra.error,
      navigation: staffNavigation(actor, '/coordinate'),
      backLink: `/coordinate/cycles/${encodeURIComponent(cycleId)}`,
    });
  }
}

function parseDate(form: Form): string {
  const parsed = parseDateInput(postedDateParts(form, 'dueDate'), 'New due date');
  return parsed.ok ? parsed.date : '';
}
