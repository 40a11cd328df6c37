import { Controller, Get, Inject, Param, Post, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, DomainError } from '../../../kernel/src/index.js';
import {
  CorrelationId,
  CurrentActor,
  FileUploadRequest,
  PageErrorFilter,
  QueryText,
  Roles,
} from '../../../http/src/index.js';
import {
  SaveSpreadsheetDraftsCommand,
  SpreadsheetDraftsResult,
  WorkbookReturn,
  writeReturnsWorkbook,
} from '../../../returns/src/index.js';
import { AgencyReturns } from '../agency-returns/agency-returns.query.js';
import { CyclePlanWords } from '../plan-words.js';

/** Where the upload posts and the download is fetched from; the file middleware runs on it (configure-app). */
export const RETURNS_SPREADSHEET_PATH = '/agency/cycles/:cycleId/returns.xlsx';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Problem = { text: string; href: string };

/**
 * An agency's open returns as a spreadsheet, to fill in offline and upload: every changed row is saved as a
 * draft, or (when any cell breaks a rule) none is. Submitting stays on each return's form, where the lead
 * checks their answers.
 */
@ApiExcludeController()
@Controller('agency/cycles/:cycleId')
@UseFilters(PageErrorFilter)
@Roles(['agency-lead'], 'These pages are for agency leads, opened from the link in their email')
export class AgencySpreadsheetPages {
  constructor(
    @Inject(AgencyReturns) private readonly agencyReturns: AgencyReturns,
    @Inject(CyclePlanWords) private readonly planWords: CyclePlanWords,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Get('spreadsheet')
  async page(
    @Param('cycleId') cycleId: string,
    @QueryText('saved') saved: string | undefined,
    @QueryText('unchanged') unchanged: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() res: Response,
  ) {
    const cycle = await this.agencyReturns.openedCycle(actor, cycleId);
    const done = saved === undefined ? null : { saved: count(saved), unchanged: count(unchanged ?? '0') };
    res.render('pages/agency/spreadsheet', await this.model(actor, cycle, [], done));
  }

  @Get('returns.xlsx')
  async download(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor, @Res() res: Response) {
    const cycle = await this.agencyReturns.openedCycle(actor, cycleId);
    const open = await this.openReturns(actor, cycle);
    const words = await this.planWords.of(cycle);
    const rows: WorkbookReturn[] = [];
    for (const { view, measureText } of open) {
      const last = await this.agencyReturns.lastCycleApproved(actor, cycle, view.measureRef);
      rows.push({
        returnId: view.returnId,
        version: view.version,
        measureRef: view.measureRef,
        measureText,
        content: view.content,
        indicators: words.measureIndicators(view.measureRef),
        lastCycle: last?.content ?? null,
      });
    }
    const file = await writeReturnsWorkbook(rows);
    res
      .status(200)
      .type(XLSX_TYPE)
      .attachment(`returns-${cycle.cycleId}.xlsx`)
      .setHeader('cache-control', 'no-store')
      .send(file);
  }

  @Post('returns.xlsx')
  async upload(
    @Param('cycleId') cycleId: string,
    @Req() req: FileUploadRequest,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const cycle = await this.agencyReturns.openedCycle(actor, cycleId);
    const early = req.fileProblem ?? (req.file?.size ? undefined : 'Select the spreadsheet of your returns');
    if (early)
      return res
        .status(400)
        .render('pages/agency/spreadsheet', await this.model(actor, cycle, [{ text: early, href: '#file' }]));
    let result: SpreadsheetDraftsResult;
    try {
      result = await this.commands.execute(
        new SaveSpreadsheetDraftsCommand({ actor, correlationId }, cycle.cycleId, req.file!.buffer),
      );
    } catch (error) {
      if (!(error instanceof DomainError) || error.kind !== 'unprocessable') throw error;
      const listed = (error.details?.problems as { text: string }[] | undefined) ?? [];
      const problems = listed.length
        ? listed.map((p) => ({ text: p.text, href: '#file' }))
        : [{ text: error.message, href: '#file' }];
      return res
        .status(422)
        .render('pages/agency/spreadsheet', await this.model(actor, cycle, problems, null, error.message));
    }
    res.redirect(
      303,
      `/agency/cycles/${encodeURIComponent(cycle.cycleId)}/spreadsheet?saved=${result.saved.length}&unchanged=${result.unchanged}`,
    );
  }

  /** The returns the lead may still change: not yet sent, in a cycle still open. */
  private async openReturns(actor: Actor, cycle: Awaited<ReturnType<AgencyReturns['openedCycle']>>) {
    if (cycle.status !== 'open') return [];
    const { returns } = await this.agencyReturns.taskList(cycle, actor.agencyId ?? '');
    return returns.filter(({ view }) => view.status === 'requested' || view.status === 'draft');
  }

  private async model(
    actor: Actor,
    cycle: Awaited<ReturnType<AgencyReturns['openedCycle']>>,
    problems: Problem[],
    done: { saved: number; unchanged: number } | null = null,
    summary?: string,
  ) {
    const open = await this.openReturns(actor, cycle);
    const base = `/agency/cycles/${encodeURIComponent(cycle.cycleId)}`;
    return {
      title: `${problems.length ? 'Error: ' : ''}Your returns as a spreadsheet - ${cycle.label}`,
      cycle,
      openCount: open.length,
      problems,
      fileError: problems.length
        ? {
            text:
              problems.length === 1
                ? problems[0].text
                : (summary ?? `The file has ${problems.length} problems`),
          }
        : undefined,
      done,
      downloadHref: `${base}/returns.xlsx`,
      uploadAction: `${base}/returns.xlsx`,
      backLink: base,
    };
  }
}

/** A count from the page's own redirect; anything else reads as none. */
function count(raw: string): number {
  return /^\d{1,4}$/.test(raw) ? Number(raw) : 0;
}
