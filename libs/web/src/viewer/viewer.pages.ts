import { Controller, Get, Inject, Param, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, PageErrorFilter, Roles } from '../../../http/src/index.js';
import { Actor, ANY_STAFF } from '../../../kernel/src/index.js';
import { GetCycle, ListCycles, ListReturns } from '../../../returns/src/index.js';
import { CyclePlanWords } from '../plan-words.js';
import { staffNavigation } from '../review.pages.js';

const STATUS_WORDS: Record<string, { text: string; classes: string }> = {
  approved: { text: 'Approved', classes: 'govuk-tag--green' },
  submitted: { text: 'Submitted', classes: 'govuk-tag--blue' },
  withdrawn: { text: 'Withdrawn', classes: 'govuk-tag--grey' },
  draft: { text: 'In progress', classes: 'govuk-tag--light-blue' },
  requested: { text: 'Not started', classes: 'govuk-tag--grey' },
};

function tagFor(status: string, overdue: boolean) {
  if (overdue && status !== 'approved' && status !== 'submitted')
    return { text: 'Overdue', classes: 'govuk-tag--red' };
  return STATUS_WORDS[status] ?? { text: status, classes: 'govuk-tag--grey' };
}

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
      const approved = views.filter((v) => v.status === 'approved').length;
      const returned = views.filter((v) => v.status === 'submitted' || v.status === 'approved').length;
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
        tag: tagFor(v.status, v.overdue),
      });
      byAgency.set(v.agencyId, agency);
    }
    res.render('pages/viewer/cycle', {
      title: state.label,
      cycle: state,
      asked: views.length,
      returned: views.filter((v) => v.status === 'submitted' || v.status === 'approved').length,
      approved: views.filter((v) => v.status === 'approved').length,
      agencies: [...byAgency.values()].sort((a, b) => a.name.localeCompare(b.name)),
      backLink: '/view',
      navigation: staffNavigation(actor, '/view'),
    });
  }
}
