import { Controller, Get, Inject, Param, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, PageErrorFilter, Roles } from '../../../http/src/index.js';
import { Actor, ANY_STAFF } from '../../../kernel/src/index.js';
import {
  GetCycle,
  isAwaitingAcceptance,
  ListCycles,
  ListReturns,
  ReturnView,
} from '../../../returns/src/index.js';
import { CyclePlanWords } from '../plan-words.js';
import { staffNavigation } from '../review.pages.js';

const STATUS_WORDS: Record<string, { text: string; classes: string }> = {
  accepted: { text: 'Accepted', classes: 'govuk-tag--green' },
  approved: { text: 'Approved', classes: 'govuk-tag--green' },
  'to-accept': { text: 'Waiting for acceptance', classes: 'govuk-tag--purple' },
  submitted: { text: 'Submitted', classes: 'govuk-tag--blue' },
  withdrawn: { text: 'Withdrawn', classes: 'govuk-tag--grey' },
  draft: { text: 'In progress', classes: 'govuk-tag--light-blue' },
  requested: { text: 'Not started', classes: 'govuk-tag--grey' },
};

function tagFor(v: Pick<ReturnView, 'status' | 'overdue' | 'signOff'>) {
  if (v.overdue && (v.status === 'requested' || v.status === 'draft'))
    return { text: 'Overdue', classes: 'govuk-tag--red' };
  const key = isAwaitingAcceptance(v) ? 'to-accept' : v.status;
  return STATUS_WORDS[key] ?? { text: v.status, classes: 'govuk-tag--grey' };
}

/** Signed off for the report: approved in a one-stage cycle, accepted in a two-stage one. */
const signedOff = (v: Pick<ReturnView, 'status' | 'signOff'>) =>
  v.status === 'accepted' || (v.status === 'approved' && !isAwaitingAcceptance(v));
const returnedIn = (v: Pick<ReturnView, 'status'>) =>
  v.status === 'submitted' || v.status === 'approved' || v.status === 'accepted';

/**
 * The viewer's own pages, open to every staff member: the cycles, how far each has got and its report. They read
 * only; nothing on them changes anything.
 */
@ApiExcludeController()
@Controller('view')
@UseFilters(PageErrorFilter)
@Roles(ANY_STAFF, 'These pages are for partnership staff')
export class ViewerPages {
  constructor(
    @Inject(ListCycles) private readonly cycles: ListCycles,
    @Inject(GetCycle) private readonly cycle: GetCycle,
    @Inject(ListReturns) private readonly returns: ListReturns,
    @Inject(CyclePlanWords) private readonly words: CyclePlanWords,
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
    const { state } = await this.cycle.cycle(actor, cycleId);
    const [views, words] = await Promise.all([this.returns.of(state), this.words.of(state)]);
    const byAgency = new Map<
      string,
      { name: string; rows: { ref: string; text: string; tag: { text: string; classes: string } }[] }
    >();
    for (const v of views) {
      const agency = byAgency.get(v.agencyId) ?? { name: words.agencyName(v.agencyId), rows: [] };
      agency.rows.push({
        ref: v.measureRef,
        text: words.measureText(v.measureRef),
        tag: tagFor(v),
      });
      byAgency.set(v.agencyId, agency);
    }
    res.render('pages/viewer/cycle', {
      title: state.label,
      cycle: state,
      asked: views.length,
      returned: views.filter(returnedIn).length,
      approved: views.filter(signedOff).length,
      agencies: [...byAgency.values()].sort((a, b) => a.name.localeCompare(b.name)),
      backLink: '/view',
      navigation: staffNavigation(actor, '/view'),
    });
  }
}
