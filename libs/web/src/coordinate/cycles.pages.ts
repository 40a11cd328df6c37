import { Body, Controller, Get, Inject, Post, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { CorrelationId, CurrentActor, PageErrorFilter, Roles } from '../../../http/src/index.js';
import { escapeHtml } from '../../../mail/src/index.js';
import {
  DraftCycleCommand,
  ListCycles,
  ListReturns,
  OpenCycleCommand,
  PartnershipIndex,
} from '../../../returns/src/index.js';
import { CommandEnvelope, Actor, DomainError, scopedCycleId } from '../../../kernel/src/index.js';
import { staffNavigation } from '../review.pages.js';
import { Form } from './coordinator.js';

/** The coordinator's cycles: the list with how many have returned, and opening a new cycle. */
@ApiExcludeController()
@Controller('coordinate')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'These pages are for coordinators')
export class CyclesPages {
  constructor(
    @Inject(ListCycles) private readonly cycles: ListCycles,
    @Inject(ListReturns) private readonly returns: ListReturns,
    @Inject(PartnershipIndex) private readonly index: PartnershipIndex,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Get()
  async list(@CurrentActor() actor: Actor, @Res() res: Response) {
    const rows = [];
    for (const { state } of await this.cycles.cycles(actor)) {
      const views = await this.returns.of(state);
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

  /** Drafts the cycle and opens it at once: the same two commands as POST /cycles and POST /cycles/:id/open. */
  @Post('cycles/new')
  async openCycle(
    @Body() form: Form,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const latestPlanId = (await this.index.planIds(actor.partnershipId)).at(-1);
    const cycleId = scopedCycleId(actor.partnershipId, randomUUID());
    const envelope: CommandEnvelope = { actor, correlationId };
    try {
      await this.commands.execute(
        new DraftCycleCommand(envelope, {
          cycleId,
          partnershipId: actor.partnershipId,
          planId: form.planId || latestPlanId || '',
          label: form.label ?? '',
          periodStart: form.periodStart ?? '',
          periodEnd: form.periodEnd ?? '',
          dueDate: form.dueDate ?? '',
          // Left empty, the report's own defaults apply.
          ...(form.reportTitle?.trim() ? { reportTitle: form.reportTitle.trim() } : {}),
          ...(form.yearHeading?.trim() ? { yearHeading: form.yearHeading.trim() } : {}),
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
}
