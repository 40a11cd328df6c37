import { Body, Controller, Inject, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsObject, IsString, Matches, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { CorrelationId, CurrentActor, FileUploadRequest, Optional, Roles } from '../../../http/src/index.js';
import { Actor, CYCLE_NAME, DomainError } from '../../../kernel/src/index.js';
import { CommandResultDto } from '../command-http.js';
import {
  HistoricalCycleResult,
  HistoricalUpload,
  RecordHistoricalCycleCommand,
} from './record-historical-cycle.command.js';

/** Where past cycles are recorded, by the API and (as a page) by coordinators. */
export const HISTORICAL_CYCLE_PATH = '/cycles/historical';
/** An old report's JSON is a few hundred kilobytes; this leaves room for long narratives and tables. */
export const HISTORICAL_FILE_MAX_BYTES = 2_000_000;

export class RecordHistoricalCycleDto {
  @ApiPropertyOptional({
    description:
      'A name for the cycle, unique in your partnership; made from the report\'s label when left out ("Year 1 ' +
      '2019/20" gives year-1-2019-20). The id is `<partnershipId>~<name>`.',
    example: 'y1-2019-20',
    pattern: CYCLE_NAME.source,
  })
  @Optional()
  @IsString()
  @Matches(CYCLE_NAME)
  cycleId?: string;

  @ApiPropertyOptional({
    description: "The plan whose measures the report's refs are matched to; your latest plan when left out",
    example: 'community-plan-2019-22',
  })
  @Optional()
  @IsString()
  @Matches(/^[a-z0-9-]{1,64}$/)
  planId?: string;

  @ApiPropertyOptional({
    description: 'The name of the file the report came from, recorded as its source',
    example: 'sevenoaks-2019-20-report.json',
    maxLength: 200,
  })
  @Optional()
  @IsString()
  @MaxLength(200)
  fileName?: string;

  @ApiPropertyOptional({
    description:
      'The old report, in the shape GET /cycles/{cycleId}/report or a publication gives: label, periodStart, ' +
      'periodEnd, title and yearHeading, and themes[].measures[] with ref, rag, narrative, dot, comments and ' +
      'tables. Required unless a file is uploaded (multipart, field `file`).',
    type: 'object',
    additionalProperties: true,
    example: {
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      themes: [{ measures: [{ ref: 'S1', rag: 'green', narrative: '98% on target.', dot: null }] }],
    },
  })
  @Optional()
  @IsObject()
  report?: Record<string, unknown>;
}

class HistoricalCycleResultDto extends CommandResultDto {
  @ApiProperty({ description: 'How many returns were recorded as approved', example: 27 }) returns: number;
}

@ApiTags('cycles')
@Controller('cycles/historical')
export class RecordHistoricalCycleHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post()
  @Roles(['coordinator'], 'Only a coordinator can record a past cycle')
  @ApiOperation({
    summary: 'Record a past cycle from an old report (coordinator)',
    description:
      "The report's JSON in the body, or uploaded as a file (multipart/form-data, field `file`, with " +
      '`cycleId` and `planId` as fields). Each measure is matched to the plan by its ref; every return is ' +
      'recorded as approved by you, with the file named as its source, and the cycle is closed at once: no ' +
      'mail, no chasing. Every problem of the file is listed in one 422 (`problems`, each with its JSON ' +
      'pointer, or for a spreadsheet its sheet, row and column); nothing is recorded unless the whole file is valid. The same report a second time is a 409. ' +
      'An upload of more than 6 fields beside its file is refused 422 `too-many-fields` (naming `body`), ' +
      'and nothing in it is read as the report.',
  })
  @ApiConsumes('application/json', 'multipart/form-data')
  @ApiBody({ type: RecordHistoricalCycleDto })
  @ApiCreatedResponse({ type: HistoricalCycleResultDto })
  async record(
    @Body() body: RecordHistoricalCycleDto,
    @Req() req: FileUploadRequest,
    @CurrentActor() actor: Actor,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<HistoricalCycleResult> {
    if (req.fileRefusal) throw req.fileRefusal;
    const upload: HistoricalUpload | null = req.file
      ? { fileName: req.file.originalname || 'report.json', bytes: req.file.buffer }
      : body.report !== undefined
        ? { fileName: body.fileName ?? 'report.json', report: body.report }
        : null;
    if (!upload)
      throw new DomainError(
        'report-required',
        'Give the report as `report` in the body, or upload it as `file`',
        'unprocessable',
        'report',
      );
    const result = await this.commands.execute(
      new RecordHistoricalCycleCommand({ actor, correlationId }, upload, body.cycleId, body.planId),
    );
    res
      .setHeader('ETag', `"${result.version}"`)
      .setHeader('Location', `/cycles/${encodeURIComponent(result.id)}`);
    return result;
  }
}
