import { Body, Controller, Get, Inject, Param, Post, Query, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, DomainError } from '../../kernel/src/index.js';
import { CorrelationId, CurrentActor, PageErrorFilter, Roles } from '../../http/src/index.js';
import {
  ReturnView,
  renderNarrative,
  ReturnContent,
  SaveReturnDraftCommand,
  SubmitReturnCommand,
} from '../../returns/src/index.js';
import { AgencyReturns } from './agency-returns/agency-returns.query.js';
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
    @Inject(AgencyReturns) private readonly agencyReturns: AgencyReturns,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Get('cycles/:cycleId')
  async taskList(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const cycle = await this.agencyReturns.openedCycle(actor, cycleId);
    const agencyId = this.agencyOf(actor);
    const { agencyName, returns } = await this.agencyReturns.taskList(cycle, agencyId);
    const items = returns.map(({ view: v, measureText }) => ({
      title: { text: `${v.measureRef}: ${measureText}` },
      href: `/agency/returns/${encodeURIComponent(v.returnId)}`,
      hint: { text: `Due ${longDate(v.dueDate)}${v.sentBackReason ? ' - sent back for changes' : ''}` },
      status: { tag: STATUS_TAGS[v.status] },
    }));
    res.render('pages/agency/task-list', {
      title: `Your returns for ${cycle.label}`,
      cycle,
      agencyName,
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
    this.agencyOf(actor);
    return this.agencyReturns.return(actor, returnId);
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
