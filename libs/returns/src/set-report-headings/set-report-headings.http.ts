import { Body, Controller, HttpCode, Inject, Param, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { ApiVersionedWrite, Optional, Roles } from '../../../http/src/index.js';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { CommandResultDto, WriteEnvelope, withETag } from '../command-http.js';
import { SetReportHeadingsCommand } from './set-report-headings.command.js';

export class SetReportHeadingsDto {
  @ApiPropertyOptional({
    description:
      "The report's title; null or left out for the default made from the plan and the period " +
      '("Sevenoaks District Community Plan Annual Monitoring Report 2019/20")',
    example: 'Sevenoaks District Community Plan Annual Monitoring Report 2019/20',
    maxLength: 200,
    nullable: true,
  })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(200)
  reportTitle?: string | null;

  @ApiPropertyOptional({
    description:
      'The year the report covers, over the progress column; null or left out for the default ' +
      '("Year 1 (April 2019 - March 2020)", the year counted from the start of the plan)',
    example: 'Year 1 (April 2019 - March 2020)',
    maxLength: 200,
    nullable: true,
  })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(200)
  yearHeading?: string | null;

  @ApiPropertyOptional({
    description:
      "The report's opening sentence, one paragraph; null or left out for the default " +
      '("This report is produced on behalf of the <partnership> using data and information provided by partners.")',
    example:
      'This Annual Report is produced by Sevenoaks District Council on behalf of the Sevenoaks District LSP ' +
      'using data and information provided by partners',
    maxLength: 600,
    nullable: true,
  })
  @Optional({ nullable: true })
  @IsString()
  @MaxLength(600)
  introduction?: string | null;
}

@ApiTags('cycles')
@Controller('cycles')
export class SetReportHeadingsHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Put(':cycleId/report-headings')
  @Roles(['coordinator'], 'Only a coordinator can draft, open, close or publish a cycle')
  @HttpCode(200)
  @ApiOperation({
    summary: "Set the report's title, year heading and opening sentence (coordinator)",
    description:
      'All are replaced: a field left out or null goes back to its default. Publications already made keep ' +
      'the headings they were published with; the next one takes these. Records ReportHeadingsSet.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  async set(
    @Param('cycleId') cycleId: string,
    @Body() body: SetReportHeadingsDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    const command = new SetReportHeadingsCommand(
      envelope,
      cycleId,
      body.reportTitle ?? null,
      body.yearHeading ?? null,
      body.introduction ?? null,
    );
    return withETag(res, await this.commands.execute(command));
  }
}
