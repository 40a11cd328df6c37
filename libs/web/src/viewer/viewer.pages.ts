import { Controller, Get, Inject, Param, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, PageErrorFilter, Roles } from '../../../http/src/index.js';
import { Actor, ANY_STAFF, DomainError } from '../../../kernel/src/index.js';
import { PublishedReports } from '../../../reporting/src/index.js';
import { isAwaitingAcceptance, ListCycles, ListReturns, ReturnView } from '../../../returns/src/index.js';
import { CycleDashboard } from '../cycle-dashboard/cycle-dashboard.query.js';
import { staffNavigation } from '../review.pages.js';

/** Signed off for the report: approved in a one-stage cycle, accepted in a two-stage one. */
const signedOff = (v: Pick<ReturnView, 'status' | 'signOff'>) =>
  v.status === 'accepted' || (v.status === 'approved' && !isAwaitingAcceptance(v));
const returnedIn = (v: Pick<ReturnView, 'status'>) =>
  v.status === 'submitted' || v.status === 'approved' || v.status === 'accepted';

/**
 * The viewer's own pages, open to every staff member: the cycles, each cycle's progress as the coordinator's
 * dashboard shows it, each agency's returns in it, and the report. They read only: no form, no action, no
 * contact and no submission link, and no way into a coordinator's page.
 */
@ApiExcludeController()
@Controller('view')
@UseFilters(PageErrorFilter)
@Roles(ANY_STAFF, 'These pages are for partnership staff')
export class ViewerPages {
  constructor(
    @Inject(ListCycles) private readonly cycles: ListCycles,
    @Inject(ListReturns) private readonly returns: ListReturns,
    @Inject(CycleDashboard) private readonly dashboard: CycleDashboard,
    @Inject(PublishedReports) private readonly published: PublishedReports,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor, @Res() res: Response) {
    const cycles = [];
    for (const { state } of await this.cycles.cycles(actor)) {
      const views = await this.returns.of(state);
      const approved = views.filter(signedOff).length;
      const returned = views.filter(returnedIn).length;
      cycles.push({
        cycleId: state.cycleId,
        label: state.label,
        status: state.status,
        dueDate: state.dueDate,
        asked: views.length,
        returned,
        approved,
      });
    }
    res.render('pages/viewer/cycles', {
      title: 'Monitoring cycles',
      cycles,
      navigation: staffNavigation(actor, '/view'),
    });
  }

  @Get('cycles/:cycleId')
  async show(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const model = await this.dashboard.progress(actor, cycleId);
    // Who published is staff workflow, not for every reader: the number and the day are enough here.
    const publications = (await this.published.list(model.cycle.cycleId))
      .map((p) => ({ publication: p.publication, publishedAt: p.publishedAt.toISOString() }))
      .reverse();
    res.render('pages/viewer/cycle', {
      title: model.cycle.label,
      ...model,
      publications,
      backLink: '/view',
      navigation: staffNavigation(actor, '/view'),
    });
  }

  @Get('cycles/:cycleId/agencies/:agencyId')
  async agency(
    @Param('cycleId') cycleId: string,
    @Param('agencyId') agencyId: string,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const model = await this.dashboard.progress(actor, cycleId);
    const agency = model.agencies.find((a) => a.agencyId === agencyId);
    if (!agency) throw new DomainError('agency-not-found', 'No such agency in this cycle', 'not-found');
    res.render('pages/viewer/agency', {
      title: `${agency.name} in ${model.cycle.label}`,
      cycle: model.cycle,
      agency,
      backLink: `/view/cycles/${encodeURIComponent(cycleId)}`,
      navigation: staffNavigation(actor, '/view'),
    });
  }
}
