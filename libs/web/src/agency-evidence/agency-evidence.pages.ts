import { Body, Controller, Get, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import {
  CorrelationId,
  CurrentActor,
  PageErrorFilter,
  QueryText,
  Roles,
  statusOf,
  StreamedUploadRequest,
} from '../../../http/src/index.js';
import { AttachEvidenceCommand, EvidenceListing, RemoveEvidenceCommand } from '../../../returns/src/index.js';
import { ConcurrencyError } from '../../../event-store/src/index.js';
import { AgencyReturns } from '../agency-returns/agency-returns.query.js';
import { filesFixedBecause } from '../agency-returns/return-changeable.js';
import { formPageVersion, FormValue } from '../form-fields.js';
import { ReturnHistory } from '../return-history/return-history.query.js';

/** Where the files page's upload posts; the file middleware runs on it (configure-app), before the CSRF check. */
export const EVIDENCE_UPLOAD_PATH = '/agency/returns/:returnId/evidence';

type Problem = { text: string; href: string };

/** What a refusal of the command is about on this page: the title field, or else the file. */
const FIELD_ANCHORS: Record<string, string> = { title: '#title' };

/**
 * The files on a return, for its agency's lead: the list, a remove button for each, and the GOV.UK file
 * upload to add one. Plain forms, so it works without JavaScript. Attaching and removing are the evidence
 * commands; a refusal comes back GOV.UK style on the field it names.
 */
@ApiExcludeController()
@Controller('agency/returns/:returnId/evidence')
@UseFilters(PageErrorFilter)
@Roles(['agency-lead'], 'These pages are for agency leads, opened from the link in their email')
export class AgencyEvidencePages {
  constructor(
    @Inject(AgencyReturns) private readonly agencyReturns: AgencyReturns,
    @Inject(EvidenceListing) private readonly evidence: EvidenceListing,
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(ReturnHistory) private readonly history: ReturnHistory,
  ) {}

  @Get()
  async page(
    @Param('returnId') returnId: string,
    @QueryText('done') done: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    res.render('pages/agency/evidence', await this.model(actor, returnId, { done: doneWords(done) }));
  }

  @Post()
  async attach(
    @Param('returnId') returnId: string,
    @Req() req: StreamedUploadRequest,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    await this.agencyReturns.return(actor, returnId);
    const title = String((req.body as { title?: unknown } | undefined)?.title ?? '').trim();
    const file = req.streamedFile;
    // A form sent with no file chosen still has the file part, with no name and no bytes.
    const early = req.fileProblem ?? (file?.fileName ? undefined : 'Select a file to add');
    if (early || !file) {
      file?.content.resume();
      const problems = [{ text: early ?? 'Select a file to add', href: '#file' }];
      return res
        .status(400)
        .render('pages/agency/evidence', await this.model(actor, returnId, { problems, title }));
    }
    try {
      await this.commands.execute(
        new AttachEvidenceCommand(
          returnId,
          { actor, correlationId },
          {
            fileName: file.fileName,
            title: title || file.fileName,
            declaredType: file.declaredType,
            content: file.content,
          },
        ),
      );
    } catch (error) {
      const problem = refusal(error);
      return res
        .status(statusOf(error as DomainError))
        .render('pages/agency/evidence', await this.model(actor, returnId, { problems: [problem], title }));
    }
    res.redirect(303, `${here(returnId)}?done=attached`);
  }

  @Post(':evidenceId/remove')
  async remove(
    @Param('returnId') returnId: string,
    @Param('evidenceId') evidenceId: string,
    @Body() body: { version?: FormValue },
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    await this.agencyReturns.return(actor, returnId);
    const seenVersion = formPageVersion(body.version);
    try {
      await this.commands.execute(
        new RemoveEvidenceCommand(
          returnId,
          { actor, correlationId, expectedVersion: seenVersion },
          evidenceId,
          null,
        ),
      );
    } catch (error) {
      if (
        error instanceof ConcurrencyError ||
        (error instanceof DomainError && error.code === 'evidence-not-found')
      )
        return this.notRemoved(res, actor, returnId, evidenceId, seenVersion, error);
      const problem = { ...refusal(error), href: '#files' };
      return res
        .status(statusOf(error as DomainError))
        .render('pages/agency/evidence', await this.model(actor, returnId, { problems: [problem] }));
    }
    res.redirect(303, `${here(returnId)}?done=removed`);
  }

  /**
   * A removal refused on a page that was out of date. The file already gone (Remove pressed twice, in two tabs,
   * or a colleague removed it first) is what the lead wanted: the page as it is now, saying so. Files that changed
   * otherwise (one added or removed elsewhere) leave this one in place: the page again, up to date, says what
   * changed, and the lead presses Remove again if they still mean it. A bare 409 page told them neither.
   */
  private async notRemoved(
    res: Response,
    actor: Actor,
    returnId: string,
    evidenceId: string,
    seenVersion: number | undefined,
    error: ConcurrencyError | DomainError,
  ) {
    const { view, cycle } = await this.agencyReturns.return(actor, returnId);
    const listing = await this.evidence.of(actor, returnId);
    const held = listing.files.some((f) => f.evidenceId === evidenceId);
    const attachedOnce = listing.history.some(
      (h) => h.type === 'EvidenceAttached' && (h.data as { evidenceId?: string })?.evidenceId === evidenceId,
    );
    if (!held && attachedOnce) return res.redirect(303, `${here(returnId)}?done=already-removed`);
    // No such file was ever on the return (an address typed by hand): the error page's, as before.
    if (!(error instanceof ConcurrencyError)) throw error;
    const since = (await this.history.of(view, cycle, undefined, [], listing.history))
      .filter((line) => line.file && (seenVersion === undefined || line.version > seenVersion))
      .reverse();
    const summary =
      'The files on this return changed while you had this page open, so the file was not removed. ' +
      'Check the list below, then remove it again if you still need to.';
    const model = await this.model(actor, returnId, {
      problems: [{ text: summary, href: '#changed-meanwhile' }],
    });
    res.status(409).render('pages/agency/evidence', { ...model, changed: { summary, since } });
  }

  private async model(
    actor: Actor,
    returnId: string,
    extra: { problems?: Problem[]; title?: string; done?: string | null },
  ) {
    const { view, measureText, cycle } = await this.agencyReturns.return(actor, returnId);
    const listing = await this.evidence.of(actor, returnId);
    const problems = extra.problems ?? [];
    const errorOn = (anchor: string) => problems.find((p) => p.href === anchor);
    return {
      title: `${problems.length ? 'Error: ' : ''}Files for ${view.measureRef}`,
      view,
      measureText,
      files: listing.files,
      version: listing.version,
      // The buttons only while the lead may change the return, as on its form; the command still decides.
      fixedBecause: filesFixedBecause(view, cycle),
      problems,
      fileError: errorOn('#file') && { text: errorOn('#file')!.text },
      titleError: errorOn('#title') && { text: errorOn('#title')!.text },
      typedTitle: extra.title ?? '',
      done: extra.done ?? null,
      action: here(returnId),
      backLink: `/agency/returns/${encodeURIComponent(returnId)}`,
    };
  }
}

const here = (returnId: string) => `/agency/returns/${encodeURIComponent(returnId)}/evidence`;

/** The banner after a redirect; anything else in the query says nothing. */
function doneWords(done: string | undefined): string | null {
  if (done === 'attached') return 'The file has been added to your return';
  if (done === 'removed') return 'The file has been removed from your return';
  if (done === 'already-removed') return 'That file had already been removed from your return';
  return null;
}

/**
 * A refusal the lead can act on, on the field it names (the title, or else the file); anything else (no such
 * return, a fault) is the error page's.
 */
function refusal(error: unknown): Problem {
  if (!(error instanceof DomainError) || error.kind === 'not-found' || error.kind === 'forbidden')
    throw error;
  return { text: error.message, href: FIELD_ANCHORS[error.field ?? ''] ?? '#file' };
}
