import { Body, Controller, Get, Inject, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { LinksAdmin } from '../../auth/src/index.js';
import { EventStore, metadataFor } from '../../event-store/src/index.js';
import { CorrelationId, CurrentActor, PageErrorFilter, Roles } from '../../http/src/index.js';
import { escapeHtml } from '../../mail/src/index.js';
import { importPlan, parsePlanFile, previewPlanImport } from '../../plan/src/index.js';
import { ChaseNowCommand, chaseStreamId } from '../../chasing/src/index.js';
import { PublishReportCommand } from '../../reporting/src/index.js';
import {
  CloseCycleCommand,
  DraftCycleCommand,
  ExtendAgencyDeadlineCommand,
  ExtendDeadlineCommand,
  OpenCycleCommand,
  ReassignReturnCommand,
  ReopenReturnCommand,
  renderNarrative,
  WithdrawReturnCommand,
} from '../../returns/src/index.js';
import { CommandEnvelope, Actor, DomainError, scopedCycleId } from '../../kernel/src/index.js';
import { formVersion } from './return-form.js';
import { staffNavigation } from './review.pages.js';
import { WebQueries } from './web-queries.js';

type Form = Record<string, string | undefined>;

const STATUS_WORDS: Record<string, string> = {
  requested: 'Not started',
  draft: 'In progress',
  submitted: 'Submitted',
  approved: 'Approved',
  withdrawn: 'Withdrawn',
};

/**
 * The coordinator's pages: cycles and their dashboards, opening a cycle, the plan and its import, and every
 * action on a cycle or return. Each action runs the same command as the JSON API, then comes back to the page
 * with what happened (or what was wrong) at the top.
 */
@ApiExcludeController()
@Controller('coordinate')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'These pages are for coordinators')
export class CoordinatePages {
  constructor(
    @Inject(WebQueries) private readonly queries: WebQueries,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(LinksAdmin) private readonly links: LinksAdmin,
    @Inject(EventStore) private readonly store: EventStore,
  ) {}

  @Get()
  async cycles(@CurrentActor() actor: Actor, @Res() res: Response) {
    const rows = [];
    for (const { state } of await this.queries.cycles(actor)) {
      const views = await this.queries.returnsOf(state);
      const done = views.filter((v) => v.status === 'submitted' || v.status === 'approved').length;
      rows.push([
        {
          html: `<a class="govuk-link" href="/coordinate/cycles/${encodeURIComponent(state.cycleId)}">${escapeHtml(state.label)}</a>`,
        },
        { text: state.status },
        { text: state.dueDate },
        { text: views.length ? `${done} of ${views.length}` : '-' },
      ]);
    }
    res.render('pages/coordinate/cycles', {
      title: 'Monitoring cycles',
      rows,
      navigation: staffNavigation(actor, '/coordinate'),
    });
  }

  @Get('cycles/new')
  async newCycle(@CurrentActor() actor: Actor, @Res() res: Response) {
    res.render('pages/coordinate/new-cycle', {
      title: 'Open a monitoring cycle',
      form: {},
      backLink: '/coordinate',
      navigation: staffNavigation(actor, '/coordinate'),
    });
  }

  @Post('cycles/new')
  async openCycle(
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const planIds = await this.planIds(actor);
    const cycleId = scopedCycleId(actor.partnershipId, randomUUID());
    const envelope: CommandEnvelope = { actor, correlationId };
    try {
      await this.commands.execute(
        new DraftCycleCommand(envelope, {
          cycleId,
          partnershipId: actor.partnershipId,
          planId: form.planId || planIds[0] || '',
          label: form.label ?? '',
          periodStart: form.periodStart ?? '',
          periodEnd: form.periodEnd ?? '',
          dueDate: form.dueDate ?? '',
        }),
      );
    } catch (error) {
      if (error instanceof DomainError && error.kind === 'unprocessable') {
        return res.status(400).render('pages/coordinate/new-cycle', {
          title: 'Open a monitoring cycle',
          form,
          errors: [{ text: error.message, href: `#${error.field ?? 'label'}` }],
          backLink: '/coordinate',
        });
      }
      throw error;
    }
    await this.commands.execute(new OpenCycleCommand(envelope, cycleId));
    res.redirect(
      303,
      `/coordinate/cycles/${encodeURIComponent(cycleId)}?done=${encodeURIComponent('Cycle opened: every agency lead has been emailed their link')}`,
    );
  }

  @Get('cycles/:cycleId')
  async dashboard(
    @Param('cycleId') cycleId: string,
    @Query('done') done: string | undefined,
    @Query('error') error: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { state: cycle, version } = await this.queries.cycle(actor, cycleId);
    const [views, plan, partnership, links] = await Promise.all([
      this.queries.returnsOf(cycle),
      this.queries.plan(cycle),
      this.queries.partnership(cycle.partnershipId),
      this.links.list(cycleId, actor),
    ]);
    const agencyIds = [...new Set(views.map((v) => v.agencyId))];
    const chaseStreams = await this.store.readStreams(agencyIds.map((a) => chaseStreamId(cycleId, a)));
    const agencies = agencyIds.map((agencyId) => {
      const mine = views.filter((v) => v.agencyId === agencyId);
      const chases = chaseStreams.get(chaseStreamId(cycleId, agencyId)) ?? [];
      return {
        chasesSent: chases.filter((e) => e.type === 'ReminderSent').length,
        chasesFailed: chases.filter(
          (e) => e.type === 'ReminderDeliveryFailed' && !(e.data as { willRetry?: boolean }).willRetry,
        ).length,
        agencyId,
        name:
          partnership.status === 'registered'
            ? (partnership.agencies.get(agencyId)?.name ?? agencyId)
            : agencyId,
        overdue: mine.filter((v) => v.overdue).length,
        returns: mine.map((v) => ({
          ...v,
          statusText: STATUS_WORDS[v.status] ?? v.status,
          measureText: plan.status === 'adopted' ? (plan.measures.get(v.measureRef)?.text ?? '') : '',
        })),
        links: links.filter((l) => l.agencyId === agencyId),
      };
    });
    const asked = views.filter((v) => v.status !== 'withdrawn');
    const answered = asked.filter((v) => v.status === 'submitted' || v.status === 'approved');
    res.render('pages/coordinate/dashboard', {
      title: cycle.label,
      cycle,
      version,
      agencies,
      counts: Object.entries(STATUS_WORDS).map(([status, words]) => ({
        words,
        n: views.filter((v) => v.status === status).length,
      })),
      completeness: asked.length ? Math.round((answered.length / asked.length) * 100) : 0,
      overdue: views.filter((v) => v.overdue).length,
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
    const envelope: CommandEnvelope = { actor, correlationId };
    const back = `/coordinate/cycles/${encodeURIComponent(cycleId)}`;
    await this.act(res, back, async () => {
      switch (action) {
        case 'close':
          await this.commands.execute(
            new CloseCycleCommand(envelope, cycleId, form.force === 'yes', form.reason || undefined),
          );
          return 'Cycle closed: its links no longer work';
        case 'extend-agency':
          await this.commands.execute(
            new ExtendAgencyDeadlineCommand(
              envelope,
              cycleId,
              form.agencyId ?? '',
              form.dueDate ?? '',
              form.reason ?? '',
            ),
          );
          return `Deadline extended to ${form.dueDate}`;
        case 'publish':
          await this.commands.execute(new PublishReportCommand(envelope, cycleId));
          return 'Report published: it is frozen as it stands now; later amendments go into the next publication';
        case 'chase':
          await this.commands.execute(new ChaseNowCommand(envelope, cycleId, form.agencyId || null));
          return form.agencyId
            ? 'Chase sent to the agency'
            : 'Every agency with returns outstanding is being chased';
        case 'reissue-links':
          await this.links.reissue(cycleId, form.agencyId ?? '', form.reason ?? '', actor, correlationId);
          return 'New link sent; the old one no longer works';
        case 'revoke-link':
          await this.links.revoke(cycleId, form.linkId ?? '', form.reason ?? '', actor, correlationId);
          return 'Link revoked';
        default:
          throw new DomainError('not-found', 'No such action', 'not-found');
      }
    });
  }

  @Get('returns/:returnId')
  async returnPage(
    @Param('returnId') returnId: string,
    @Query('done') done: string | undefined,
    @Query('error') error: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const view = await this.queries.returnWithHistory(actor, returnId);
    const { state: cycle } = await this.queries.cycle(actor, view.cycleId);
    const [plan, partnership] = await Promise.all([
      this.queries.plan(cycle),
      this.queries.partnership(cycle.partnershipId),
    ]);
    res.render('pages/coordinate/return', {
      title: `${view.measureRef} in ${cycle.label}`,
      view,
      cycle,
      measureText: plan.status === 'adopted' ? (plan.measures.get(view.measureRef)?.text ?? '') : '',
      approvedNarrativeHtml: view.approved?.content.narrative
        ? renderNarrative(view.approved.content.narrative)
        : null,
      agencies:
        partnership.status === 'registered'
          ? [...partnership.agencies.values()].filter((a) => !a.retired)
          : [],
      done,
      error,
      backLink: `/coordinate/cycles/${encodeURIComponent(view.cycleId)}`,
      navigation: staffNavigation(actor, '/coordinate'),
    });
  }

  @Post('returns/:returnId/:action')
  async returnAction(
    @Param('returnId') returnId: string,
    @Param('action') action: string,
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const envelope: CommandEnvelope = {
      actor,
      correlationId,
      expectedVersion: formVersion(form.version),
    };
    const reason = form.reason ?? '';
    await this.act(res, `/coordinate/returns/${encodeURIComponent(returnId)}`, async () => {
      switch (action) {
        case 'reopen':
          await this.commands.execute(new ReopenReturnCommand(envelope, returnId, reason));
          return 'Reopened for amendment: the approved version stays in the report until the amendment is approved';
        case 'extend':
          await this.commands.execute(
            new ExtendDeadlineCommand(envelope, returnId, form.dueDate ?? '', reason),
          );
          return `Deadline extended to ${form.dueDate}`;
        case 'reassign':
          await this.commands.execute(
            new ReassignReturnCommand(envelope, returnId, form.toAgencyId ?? '', reason),
          );
          return 'Return reassigned';
        case 'withdraw':
          await this.commands.execute(new WithdrawReturnCommand(envelope, returnId, reason));
          return 'Return withdrawn from the cycle';
        default:
          throw new DomainError('not-found', 'No such action', 'not-found');
      }
    });
  }

  @Get('plan')
  async plan(@CurrentActor() actor: Actor, @Res() res: Response) {
    res.render('pages/coordinate/plan', await this.planModel(actor, {}));
  }

  @Post('plan')
  async importPlanFile(
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const parsed = parsePlanFile(form.yaml ?? '');
    if (!parsed.ok) {
      const problems = parsed.problems.map((p) => ({
        text: `Line ${p.line ?? '?'}: ${p.path} ${p.message}`,
        href: '#yaml',
      }));
      return res
        .status(400)
        .render('pages/coordinate/plan', await this.planModel(actor, { yaml: form.yaml, problems }));
    }
    if (parsed.plan.partnership.id !== actor.partnershipId) {
      const problems = [
        { text: `This file is for partnership "${parsed.plan.partnership.id}", not yours`, href: '#yaml' },
      ];
      return res
        .status(400)
        .render('pages/coordinate/plan', await this.planModel(actor, { yaml: form.yaml, problems }));
    }
    const result =
      form.action === 'preview'
        ? await previewPlanImport(this.store, parsed.plan)
        : await importPlan(this.store, parsed.plan, metadataFor({ actor, correlationId }, 'plan imported'));
    const summary =
      result.eventCount === 0 ? 'No changes' : result.changes.map((c) => `${c.count} ${c.type}`).join(', ');
    res.render(
      'pages/coordinate/plan',
      await this.planModel(actor, {
        yaml: form.action === 'preview' ? form.yaml : undefined,
        done:
          form.action === 'preview'
            ? `The file is valid. It would record: ${summary}`
            : `Plan imported: ${summary}`,
      }),
    );
  }

  private async planModel(
    actor: Actor,
    extra: { yaml?: string; problems?: { text: string; href: string }[]; done?: string },
  ) {
    const [planId] = await this.planIds(actor);
    const partnership = await this.queries.partnership(actor.partnershipId);
    const plan = planId ? await this.queries.plan({ partnershipId: actor.partnershipId, planId }) : null;
    const themes =
      plan?.status === 'adopted'
        ? [...plan.themes.values()]
            .sort((a, b) => a.position - b.position)
            .map((t) => ({
              ...t,
              measures: [...plan.measures.values()]
                .filter((m) => m.themeId === t.themeId)
                .sort((a, b) => a.position - b.position),
              priorities: [...plan.priorities.values()]
                .filter((p) => p.themeId === t.themeId)
                .sort((a, b) => a.position - b.position),
            }))
        : [];
    const agencies =
      partnership.status === 'registered'
        ? [...partnership.agencies.values()]
            .filter((a) => !a.retired)
            .map((a) => ({ ...a, contacts: [...a.contacts.values()] }))
        : [];
    return {
      title: plan?.status === 'adopted' ? plan.title : 'Plan',
      themes,
      agencies,
      agencyNames: Object.fromEntries(agencies.map((a) => [a.id, a.name])),
      navigation: staffNavigation(actor, '/coordinate/plan'),
      ...extra,
    };
  }

  private async planIds(actor: Actor): Promise<string[]> {
    return (await this.queries.planIds(actor)).reverse();
  }

  /** Runs a page action: back to the page with what happened, or with the rule it broke. */
  private async act(res: Response, back: string, action: () => Promise<string>): Promise<void> {
    try {
      const message = await action();
      res.redirect(303, `${back}?done=${encodeURIComponent(message)}`);
    } catch (error) {
      if (error instanceof DomainError && (error.kind === 'unprocessable' || error.kind === 'conflict')) {
        return res.redirect(303, `${back}?error=${encodeURIComponent(error.message)}`);
      }
      throw error;
    }
  }
}
