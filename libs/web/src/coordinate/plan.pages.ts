import { Body, Controller, Get, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { ERASED } from '../../../event-store/src/index.js';
import { CorrelationId, CurrentActor, PageErrorFilter, PageMessage, Roles } from '../../../http/src/index.js';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import {
  contactKey,
  indicatorKey,
  ImportPlanFile,
  Indicator,
  planFileYaml,
  thresholdValue,
} from '../../../plan/src/index.js';
import { EditPlan } from '../../../returns/src/index.js';
import { PlanUploadRequest } from '../plan-file-upload.js';
import { staffNavigation } from '../review.pages.js';
import { Form } from './coordinator.js';
import { formText } from '../form-fields.js';

type Problem = { text: string; href: string };

/** The plan and its agencies, and loading a plan file: checked first, then imported as the API does it. */
@ApiExcludeController()
@Controller('coordinate')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'These pages are for coordinators')
export class PlanPages {
  constructor(
    @Inject(EditPlan) private readonly plans: EditPlan,
    @Inject(ImportPlanFile) private readonly planFile: ImportPlanFile,
  ) {}

  @Get('plan')
  async plan(
    @PageMessage('done') done: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    res.render('pages/coordinate/plan', await this.model(actor, { done: shortText(done) }));
  }

  /**
   * The plan as a file to edit and load again: downloading it and importing it unchanged records nothing, so
   * it is a safe start for a bulk change (a new plan period, many measures reworded).
   */
  @Get('plan/download')
  async download(@CurrentActor() actor: Actor, @Res() res: Response) {
    const plan = await this.plans.current(actor.partnershipId);
    if (!plan)
      throw new DomainError('plan-not-found', 'There is no plan yet: load one from a file', 'not-found');
    res
      .status(200)
      .type('application/yaml; charset=utf-8')
      .setHeader(
        'Content-Disposition',
        `attachment; filename="${plan.file.partnership.id}-${plan.file.plan.id}.yaml"`,
      )
      .send(planFileYaml(plan.file));
  }

  @Post('plan')
  async importPlanFile(
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    await this.importYaml(res, actor, correlationId, formText(form.yaml), form.action === 'preview', '#yaml');
  }

  /** The same import from a file chosen on the page (multipart: see planFileUpload, before the CSRF check). */
  @Post('plan/upload')
  async uploadPlanFile(
    @Req() req: PlanUploadRequest,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const problem = req.fileProblem ?? (req.file ? undefined : 'Select a plan file');
    if (problem) {
      return res
        .status(400)
        .render(
          'pages/coordinate/plan',
          await this.model(actor, { problems: [{ text: problem, href: '#file' }] }),
        );
    }
    const preview = (req.body as Form | undefined)?.action === 'preview';
    await this.importYaml(res, actor, correlationId, req.file!.buffer.toString('utf8'), preview, '#file');
  }

  /** Checks, then imports (or on a preview only reports), a plan file pasted or uploaded. */
  private async importYaml(
    res: Response,
    actor: Actor,
    correlationId: string,
    yaml: string,
    preview: boolean,
    href: string,
  ) {
    const done = await this.planFile.import(yaml, { actor, correlationId }, preview);
    if (done.outcome !== 'imported') {
      const problems: Problem[] =
        done.outcome === 'invalid'
          ? done.problems.map((p) => ({ text: `Line ${p.line ?? '?'}: ${p.path} ${p.message}`, href }))
          : [{ text: `This file is for partnership "${done.partnershipId}", not yours`, href }];
      return res
        .status(400)
        .render(
          'pages/coordinate/plan',
          await this.model(actor, { yaml: href === '#yaml' ? yaml : undefined, problems }),
        );
    }
    const { result } = done;
    const summary =
      result.eventCount === 0 ? 'No changes' : result.changes.map((c) => `${c.count} ${c.type}`).join(', ');
    res.status(200).render(
      'pages/coordinate/plan',
      await this.model(actor, {
        yaml: preview && href === '#yaml' ? yaml : undefined,
        done: preview ? `The file is valid. It would record: ${summary}` : `Plan imported: ${summary}`,
      }),
    );
  }

  /** The whole plan as recorded: themes with their priorities and measures, agencies with their contacts. */
  private async model(actor: Actor, extra: { yaml?: string; problems?: Problem[]; done?: string }) {
    const plan = await this.plans.current(actor.partnershipId);
    const file = plan?.file;
    const agencyNames = Object.fromEntries((file?.agencies ?? []).map((a) => [a.id, a.name]));
    return {
      title: file?.plan.title ?? 'Plan',
      plan: file?.plan,
      partnership: file?.partnership,
      themes: (file?.themes ?? []).map((t) => ({
        ...t,
        actions: actions('theme', t.id, t.title),
        leadAgencyNames: t.leadAgencies.map((id) => agencyNames[id] ?? id),
        priorities: t.priorities.map((p) => ({
          ...p,
          actions: actions('priority', p.ref, `priority ${p.ref}`),
        })),
        measures: t.measures.map((m) => {
          const asked = plan?.context.askedFor.has(m.ref) ?? false;
          // A measure some cycle has asked for stays in the plan (its returns name it): no Remove to offer.
          return {
            ...m,
            asked,
            indicatorLines: (m.indicators ?? []).map((i) => ({
              text: indicatorLine(i),
              at: `/coordinate/plan/indicator/${encodeURIComponent(indicatorKey(m.ref, i.name))}`,
              name: `indicator ${i.name} of ${m.ref}`,
            })),
            addIndicator: `/coordinate/plan/indicator/new?measure=${encodeURIComponent(m.ref)}`,
            actions: actions('measure', m.ref, `measure ${m.ref}`, !asked),
          };
        }),
      })),
      agencies: (file?.agencies ?? []).map((a) => ({
        ...a,
        actions: actions('agency', a.id, a.name),
        contacts: a.contacts.map((c) => ({
          ...c,
          actions: [
            ...actions('contact', contactKey(a.id, c.email), c.name),
            // Someone forgotten already reads [erased]: there is no one left to forget.
            ...(c.email === ERASED
              ? []
              : [
                  {
                    href: `/coordinate/plan/contact/${encodeURIComponent(contactKey(a.id, c.email))}/forget`,
                    text: 'Forget',
                    visuallyHiddenText: c.name,
                  },
                ]),
          ],
        })),
      })),
      agencyNames,
      navigation: staffNavigation(actor, '/coordinate/plan'),
      ...extra,
      // Each problem at its box too, as a GOV.UK form says it (the summary alone left the box unmarked).
      fileError: problemsAt(extra.problems, '#file'),
      yamlError: problemsAt(extra.problems, '#yaml'),
    };
  }
}

/** The Change (and Remove) links of a part of the plan, each naming the part for screen readers. */
function actions(part: string, key: string, name: string, removable = true) {
  const at = `/coordinate/plan/${part}/${encodeURIComponent(key)}`;
  return [
    { href: `${at}/change`, text: 'Change', visuallyHiddenText: name },
    ...(removable ? [{ href: `${at}/remove`, text: 'Remove', visuallyHiddenText: name }] : []),
  ];
}

/** A message carried in the address after a save: only ever the page's own words, so kept short. */
const shortText = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length <= 200 ? value : undefined;

/** An indicator as the plan page lists it: "Actions achieved (%): target 85, higher is better; amber below 85, red below 75". */
function indicatorLine(indicator: Indicator): string {
  const higher = indicator.direction === 'higher-is-better';
  const beyond = higher ? 'below' : 'above';
  const at = (t: Indicator['amber']) => {
    const value = thresholdValue(indicator, t);
    return 'variance' in t ? `${value} (${t.variance}% from target)` : String(value);
  };
  const baseline = indicator.baseline === null ? '' : `, baseline ${indicator.baseline}`;
  return `${indicator.name} (${indicator.unit}): target ${indicator.target}${baseline}, ${higher ? 'higher' : 'lower'} is better; amber ${beyond} ${at(indicator.amber)}, red ${beyond} ${at(indicator.red)}`;
}

/** The problems that point at one box, as that box's error message: the one, or how many. */
function problemsAt(problems: Problem[] | undefined, href: string): { text: string } | undefined {
  const at = (problems ?? []).filter((p) => p.href === href);
  if (at.length === 0) return undefined;
  return { text: at.length === 1 ? at[0].text : `The file has ${at.length} problems: they are listed above` };
}
