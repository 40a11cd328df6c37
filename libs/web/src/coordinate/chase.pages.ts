import { Controller, Get, Inject, Param, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, PageErrorFilter, Roles } from '../../../http/src/index.js';
import { Actor } from '../../../kernel/src/index.js';
import { ChasePagesQuery } from '../chase-pages/chase-pages.query.js';
import { staffNavigation } from '../review.pages.js';

/**
 * The chase schedule and the chase log as pages, for people; the JSON of /cycles/:id/chase-schedule and
 * /cycles/:id/chases stays for clients.
 */
@ApiExcludeController()
@Controller('coordinate')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'These pages are for coordinators')
export class ChasePages {
  constructor(@Inject(ChasePagesQuery) private readonly query: ChasePagesQuery) {}

  @Get('cycles/:cycleId/chase-schedule')
  async schedule(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const model = await this.query.schedule(actor, cycleId);
    res.render('pages/coordinate/chase-schedule', {
      title: `Chase schedule: ${model.cycle.label}`,
      ...model,
      navigation: staffNavigation(actor, '/coordinate'),
      backLink: `/coordinate/cycles/${encodeURIComponent(cycleId)}`,
    });
  }

  @Get('cycles/:cycleId/chases')
  async log(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const model = await this.query.log(actor, cycleId);
    res.render('pages/coordinate/chases', {
      title: `Chase log: ${model.cycle.label}`,
      ...model,
      navigation: staffNavigation(actor, '/coordinate'),
      backLink: `/coordinate/cycles/${encodeURIComponent(cycleId)}`,
    });
  }
}
