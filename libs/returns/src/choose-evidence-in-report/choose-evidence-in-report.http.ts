import { Body, Controller, HttpCode, Inject, Param, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import type { Response } from 'express';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { CommandEnvelope, DomainError } from '../../../kernel/src/index.js';
import { withETag, WriteEnvelope } from '../command-http.js';
import { ChooseEvidenceInReportCommand, EvidenceChoiceResult } from './choose-evidence-in-report.command.js';

/** An evidence id as the return numbers its files (`e1`, `e2`...): anything else names no file. */
export const EVIDENCE_ID = /^e[1-9][0-9]{0,5}$/;

export class EvidenceChoiceDto {
  @ApiProperty({ description: 'List this file, by its title only, under the measure’s return in the report' })
  @IsBoolean()
  inReport: boolean;
}

export class EvidenceChoiceResultDto implements EvidenceChoiceResult {
  @ApiProperty({ description: 'The return', example: 'y1-2019-20.C3' }) id: string;
  @ApiProperty({ description: 'The file', example: 'e1' }) evidenceId: string;
  @ApiProperty({ description: 'Whether the report lists it now' }) inReport: boolean;
  @ApiProperty({
    description: 'The version of the return’s files after the write; send it as If-Match next',
    example: 2,
  })
  version: number;
}

@ApiTags('evidence')
@Controller('returns/:returnId/evidence/:evidenceId')
export class ChooseEvidenceInReportHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Put('report-choice')
  @HttpCode(200)
  @Roles(['coordinator'], 'Only a coordinator chooses which files the report lists')
  @ApiOperation({
    summary: 'Choose whether the report lists a file of a return, by its title (coordinator)',
    description:
      'The report prints "Evidence: <title>, <title>" under the measure’s return for the files chosen, never ' +
      'a link or the file’s name. 404 for a file not on the return (or removed). If-Match is the version of ' +
      'the return’s files (EvidenceAttached, EvidenceRemoved and these choices), not the return’s: 409 when ' +
      'stale. Choosing what already stands changes nothing. Records EvidenceReportChoiceMade.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: EvidenceChoiceResultDto })
  async choose(
    @Param('returnId') returnId: string,
    @Param('evidenceId') evidenceId: string,
    @Body() body: EvidenceChoiceDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<EvidenceChoiceResult> {
    if (!EVIDENCE_ID.test(evidenceId)) {
      throw new DomainError('evidence-not-found', 'No such file on this return', 'not-found', 'evidenceId');
    }
    return withETag(
      res,
      await this.commands.execute(
        new ChooseEvidenceInReportCommand(envelope, returnId, evidenceId, body.inReport),
      ),
    );
  }
}
