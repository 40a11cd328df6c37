import { Controller, Get, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import {
  CorrelationId,
  CurrentActor,
  FileUploadRequest,
  PageErrorFilter,
  Roles,
  pageMessageQuery,
} from '../../../http/src/index.js';
import { Actor, CYCLE_NAME, DomainError } from '../../../kernel/src/index.js';
import { FileProblem, locationInWords, RecordHistoricalCycleCommand } from '../../../returns/src/index.js';
import { staffNavigation } from '../review.pages.js';
import { Form } from './coordinator.js';
import { formText } from '../form-fields.js';

type Problem = { text: string; href: string };

/**
 * Recording a past cycle from its old report, uploaded as a file: the same command as POST /cycles/historical.
 * Registered before the dashboard, whose `cycles/:cycleId` would otherwise take "historical" for a cycle.
 */
@ApiExcludeController()
@Controller('coordinate/cycles/historical')
@UseFilters(PageErrorFilter)
@Roles(['coordinator'], 'These pages are for coordinators')
export class HistoricalCyclePages {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Get()
  form(@CurrentActor() actor: Actor, @Res() res: Response) {
    res.render('pages/coordinate/historical-cycle', model(actor, {}, []));
  }

  @Post()
  async record(
    @Req() req: FileUploadRequest,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res() res: Response,
  ) {
    const form = (req.body ?? {}) as Form;
    const name = formText(form.cycleName).trim() || undefined;
    const early: Problem[] = [];
    if (name !== undefined && !CYCLE_NAME.test(name))
      early.push({
        text: 'Enter a short name of lower-case letters, digits and hyphens, such as y1-2019-20',
        href: '#cycleName',
      });
    const fileProblem = req.fileProblem ?? (req.file?.size ? undefined : 'Select the report file');
    if (fileProblem) early.push({ text: fileProblem, href: '#file' });
    if (early.length > 0)
      return res.status(400).render('pages/coordinate/historical-cycle', model(actor, form, early));
    const fileName = req.file!.originalname || 'report.json';
    try {
      const result = await this.commands.execute(
        new RecordHistoricalCycleCommand(
          { actor, correlationId },
          { fileName, bytes: req.file!.buffer },
          name,
        ),
      );
      const done = `Recorded from ${fileName}: ${result.returns} returns approved, the cycle closed`;
      res.redirect(
        303,
        `/coordinate/cycles/${encodeURIComponent(result.id)}?${pageMessageQuery(res, 'done', done)}`,
      );
    } catch (error) {
      if (!(error instanceof DomainError) || !['unprocessable', 'conflict'].includes(error.kind)) throw error;
      const listed = (error.details?.problems as FileProblem[] | undefined) ?? [];
      const problems = listed.length
        ? listed.map((p) => ({ text: `${locationInWords(p.at)}: ${p.message}`, href: '#file' }))
        : [{ text: error.message, href: error.field === 'cycleId' ? '#cycleName' : '#file' }];
      res
        .status(error.kind === 'conflict' ? 409 : 422)
        .render('pages/coordinate/historical-cycle', model(actor, form, problems, error.message));
    }
  }
}

/** The page: the form, and when a file was refused every problem it has, each linking to the field. */
function model(actor: Actor, form: Form, problems: Problem[], summary?: string) {
  const on = (href: string) => problems.filter((p) => p.href === href);
  const fileProblems = on('#file');
  return {
    title: `${problems.length ? 'Error: ' : ''}Record a past cycle`,
    form,
    problems,
    cycleNameError: on('#cycleName').length ? { text: on('#cycleName')[0].text } : undefined,
    fileError: fileProblems.length
      ? {
          text:
            fileProblems.length === 1
              ? fileProblems[0].text
              : (summary ?? `The file has ${fileProblems.length} problems`),
        }
      : undefined,
    navigation: staffNavigation(actor, '/coordinate'),
  };
}
