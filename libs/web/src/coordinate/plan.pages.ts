import { Body, Controller, Get, Inject, Post, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { CorrelationId, CurrentActor, PageErrorFilter, Roles } from '../../../http/src/index.js';
import { Actor } from '../../../kernel/src/index.js';
import { ImportPlanFile } from '../../../plan/src/index.js';
import { GetPlan, ListAgencies } from '../../../returns/src/index.js';
import { staffNavigation } from '../review.pages.js';
import { Form } from './coordinator.js';

type Problem = { text: string; href: string };

/** The plan and its agencies, and loading a plan file: checked first, then imported as the API does it. */
@ApiExcludeController()
@Controller('coordinate')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'These pages are for coordinators')
export class PlanPages {
  constructor(
    @Inject(GetPlan) private readonly plans: GetPlan,
    @Inject(ListAgencies) private readonly agencies: ListAgencies,
    @Inject(ImportPlanFile) private readonly planFile: ImportPlanFile,
  ) {}

  @Get('plan')
  async plan(@CurrentActor() actor: Actor, @Res() res: Response) {
    res.render('pages/coordinate/plan', await this.model(actor, {}));
  }

  @Post('plan')
  async importPlanFile(
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const preview = form.action === 'preview';
    const done = await this.planFile.import(form.yaml ?? '', { actor, correlationId }, preview);
    if (done.outcome !== 'imported') {
      const problems: Problem[] =
        done.outcome === 'invalid'
          ? done.problems.map((p) => ({
              text: `Line ${p.line ?? '?'}: ${p.path} ${p.message}`,
              href: '#yaml',
            }))
          : [{ text: `This file is for partnership "${done.partnershipId}", not yours`, href: '#yaml' }];
      return res
        .status(400)
        .render('pages/coordinate/plan', await this.model(actor, { yaml: form.yaml, problems }));
    }
    const { result } = done;
    const summary =
      result.eventCount === 0 ? 'No changes' : result.changes.map((c) => `${c.count} ${c.type}`).join(', ');
    res.render(
      'pages/coordinate/plan',
      await this.model(actor, {
        yaml: preview ? form.yaml : undefined,
        done: preview ? `The file is valid. It would record: ${summary}` : `Plan imported: ${summary}`,
      }),
    );
  }

  /** The page's words from the plan and agencies queries (retired agencies are left out of the list). */
  private async model(actor: Actor, extra: { yaml?: string; problems?: Problem[]; done?: string }) {
    const [plan, partnership] = await Promise.all([
      this.plans.load(actor.partnershipId),
      this.agencies.load(actor.partnershipId),
    ]);
    const agencies = (partnership?.agencies ?? [])
      .filter((a) => !a.retired)
      .map((a) => ({ id: a.agencyId, name: a.name, contacts: a.contacts }));
    return {
      title: plan?.title ?? 'Plan',
      themes: (plan?.themes ?? []).map((t) => ({
        ...t,
        leadAgencyIds: t.leadAgencies.map((a) => a.agencyId),
      })),
      agencies,
      agencyNames: Object.fromEntries(agencies.map((a) => [a.id, a.name])),
      navigation: staffNavigation(actor, '/coordinate/plan'),
      ...extra,
    };
  }
}
