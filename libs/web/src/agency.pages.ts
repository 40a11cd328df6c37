import { Body, Controller, Get, Inject, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Clock, Actor, DomainError, samePartnershipOr404 } from '../../kernel/src/index.js';
import { EventStore } from '../../event-store/src/index.js';
import { CorrelationId, CurrentActor, PageErrorFilter, Roles } from '../../http/src/index.js';
import { PlanRepository } from '../../plan/src/index.js';
import {
  CycleRepository,
  ReturnView,
  toReturnView,
  renderNarrative,
  ReturnContent,
  ReturnEvent,
  returnStreamId,
  SaveReturnDraftCommand,
  SubmitReturnCommand,
} from '../../returns/src/index.js';
import {
  caseStudyText,
  contentFromForm,
  formErrors,
  formVersion,
  ReturnFormBody,
  tableText,
} from './return-form.js';

const STATUS_TAGS: Record<string, { text: string; classes: string }> = {
  requested: { text: 'Not started', classes: 'govuk-tag--blue' },
  draft: { text: 'In progress', classes: 'govuk-tag--light-blue' },
  submitted: { text: 'Submitted', classes: 'govuk-tag--grey' },
  approved: { text: 'Approved', classes: 'govuk-tag--green' },
  withdrawn: { text: 'Withdrawn', classes: 'govuk-tag--grey' },
};

/** The agency lead's journey, from the emailed link: task list, return form, check answers, confirmation. */
@ApiExcludeController()
@Controller('agency')
@UseFilters(PageErrorFilter)
@Roles(['agency-lead'], 'These pages are for agency leads, opened from the link in their email')
export class AgencyPages {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  @Get('cycles/:cycleId')
  async taskList(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const { state: cycle } = await this.cycles.load(cycleId);
    if (cycle.status === 'none' || cycle.status === 'drafted')
      throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(actor, cycle.partnershipId, 'cycle', cycleId);
    const agencyId = this.agencyOf(actor);
    const mine = cycle.returns.filter((r) => r.agencyId === agencyId);
    const streams = await this.store.readStreams<ReturnEvent>(mine.map((r) => returnStreamId(r.returnId)));
    const [plan, partnership] = await Promise.all([
      this.plans.plan(cycle.partnershipId, cycle.planId),
      this.plans.partnership(cycle.partnershipId),
    ]);
    const now = this.clock.now();
    const items = mine
      .map((r) => toReturnView(streams.get(returnStreamId(r.returnId)) ?? [], now, false))
      .filter((v): v is ReturnView => v !== null && v.status !== 'withdrawn')
      .map((v) => ({
        title: {
          text: `${v.measureRef}: ${plan.status === 'adopted' ? (plan.measures.get(v.measureRef)?.text ?? '') : ''}`,
        },
        href: `/agency/returns/${encodeURIComponent(v.returnId)}`,
        hint: { text: `Due ${longDate(v.dueDate)}${v.sentBackReason ? ' - sent back for changes' : ''}` },
        status: { tag: STATUS_TAGS[v.status] },
      }));
    const agency = partnership.status === 'registered' ? partnership.agencies.get(agencyId) : undefined;
    res.render('pages/agency/task-list', {
      title: `Your returns for ${cycle.label}`,
      cycle,
      agencyName: agency?.name ?? agencyId,
      items,
      done: items.filter((i) => ['Submitted', 'Approved'].includes(i.status.tag.text)).length,
    });
  }

  @Get('returns/:returnId')
  async form(
    @Param('returnId') returnId: string,
    @Query('saved') saved: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const { view, measureText } = await this.load(returnId, actor);
    res.render(
      'pages/agency/return-form',
      this.formModel(view, measureText, view.content, { saved: saved === '1' }),
    );
  }

  @Post('returns/:returnId')
  async save(
    @Param('returnId') returnId: string,
    @Body() body: ReturnFormBody,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const { view, measureText } = await this.load(returnId, actor);
    const content = contentFromForm(body);
    const errors = await formErrors(content);
    if (errors.length > 0 || body.action === 'preview') {
      return res
        .status(errors.length > 0 ? 400 : 200)
        .render(
          'pages/agency/return-form',
          this.formModel(view, measureText, content, { errors, preview: body.action === 'preview' }),
        );
    }
    await this.commands.execute(
      new SaveReturnDraftCommand(
        { actor, correlationId, expectedVersion: formVersion(body.version) },
        returnId,
        content,
      ),
    );
    const path = `/agency/returns/${encodeURIComponent(returnId)}`;
    res.redirect(303, body.action === 'continue' ? `${path}/check` : `${path}?saved=1`);
  }

  @Get('returns/:returnId/check')
  async check(@Param('returnId') returnId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const { view, measureText } = await this.load(returnId, actor);
    const missing = [
      ...(view.content.rag
        ? []
        : [{ text: 'Choose a RAG rating', href: `/agency/returns/${encodeURIComponent(returnId)}#rag` }]),
      ...(view.content.narrative
        ? []
        : [
            {
              text: 'Write the progress narrative',
              href: `/agency/returns/${encodeURIComponent(returnId)}#narrative`,
            },
          ]),
    ];
    res.render('pages/agency/check', {
      title: 'Check your return before you submit it',
      view,
      measureText,
      missing,
      backLink: `/agency/returns/${encodeURIComponent(returnId)}`,
    });
  }

  @Post('returns/:returnId/submit')
  async submit(
    @Param('returnId') returnId: string,
    @Body() body: { version?: string },
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    await this.load(returnId, actor);
    await this.commands.execute(
      new SubmitReturnCommand({ actor, correlationId, expectedVersion: formVersion(body.version) }, returnId),
    );
    res.redirect(303, `/agency/returns/${encodeURIComponent(returnId)}/submitted`);
  }

  @Get('returns/:returnId/submitted')
  async submitted(@Param('returnId') returnId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const { view, measureText } = await this.load(returnId, actor);
    res.render('pages/agency/submitted', { title: 'Return submitted', view, measureText });
  }

  private agencyOf(actor: Actor): string {
    // The guard lets only agency leads in (@Roles above); a lead's session always names its agency.
    if (!actor.agencyId) {
      throw new DomainError(
        'forbidden',
        'These pages are for agency leads, opened from the link in their email',
        'forbidden',
      );
    }
    return actor.agencyId;
  }

  private async load(returnId: string, actor: Actor) {
    const agencyId = this.agencyOf(actor);
    const events = await this.store.readStream<ReturnEvent>(returnStreamId(returnId));
    const view = toReturnView(events, this.clock.now(), true);
    if (!view || view.agencyId !== agencyId)
      throw new DomainError('return-not-found', 'No such return', 'not-found');
    samePartnershipOr404(actor, view.partnershipId, 'return', view.cycleId);
    const { state: cycle } = await this.cycles.load(view.cycleId);
    const plan = cycle.status === 'none' ? null : await this.plans.plan(cycle.partnershipId, cycle.planId);
    const measureText = plan?.status === 'adopted' ? (plan.measures.get(view.measureRef)?.text ?? '') : '';
    return { view, measureText };
  }

  private formModel(
    view: ReturnView,
    measureText: string,
    content: ReturnContent,
    extra: { errors?: { field: string; message: string }[]; preview?: boolean; saved?: boolean },
  ) {
    const editable = view.status === 'requested' || view.status === 'draft';
    return {
      title: `${view.measureRef}: your return`,
      view,
      measureText,
      content,
      editable,
      tables: [
        ...(content.tables ?? []).map((t) => ({ caption: t.caption, text: tableText(t) })),
        { caption: '', text: '' },
      ],
      caseStudies: [
        ...(content.caseStudies ?? []).map((c) => ({
          title: c.title,
          agency: c.agency,
          text: caseStudyText(c),
        })),
        { title: '', agency: '', text: '' },
      ],
      previewHtml: extra.preview && content.narrative ? renderNarrative(content.narrative) : null,
      errors: (extra.errors ?? []).map((e) => ({
        text: `${e.field}: ${e.message}`,
        href: `#${e.field.split('.')[0]}`,
      })),
      saved: extra.saved ?? false,
      backLink: `/agency/cycles/${encodeURIComponent(view.cycleId)}`,
    };
  }
}

function longDate(iso: string): string {
  return new Date(`${iso}T12:00:00Z`).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}
