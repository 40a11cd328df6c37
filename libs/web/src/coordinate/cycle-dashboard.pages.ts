import { Body, Controller, Get, Inject, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { LinksAdmin } from '../../../auth/src/index.js';
import { CorrelationId, CurrentActor, PageErrorFilter, Roles } from '../../../http/src/index.js';
import { Actor } from '../../../kernel/src/index.js';
import { CycleDashboard } from '../cycle-dashboard/cycle-dashboard.query.js';
import { staffNavigation } from '../review.pages.js';
import { CYCLE_ACTIONS } from './cycle-actions.js';
import { act, Form, noSuchAction } from './coordinator.js';

/** A cycle's dashboard, and every action on the cycle from it (see CYCLE_ACTIONS). */
@ApiExcludeController()
@Controller('coordinate')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'These pages are for coordinators')
export class CycleDashboardPages {
  constructor(
    @Inject(CycleDashboard) private readonly dashboard: CycleDashboard,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(LinksAdmin) private readonly links: LinksAdmin,
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
    await act(res, `/coordinate/cycles/${encodeURIComponent(cycleId)}`, async () => {
      const run = CYCLE_ACTIONS.get(action) ?? noSuchAction;
      return run({ commands: this.commands, links: this.links, envelope, cycleId, form });
    });
  }
}
