import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import {
  CommandEnvelope,
  Actor,
  DomainError,
  samePartnershipOr404,
  ANYONE_SIGNED_IN,
} from '../../../kernel/src/index.js';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';
import type { Response } from 'express';
import { ApiIfMatch, CurrentActor, Optional, Roles } from '../../../http/src/index.js';
import { WriteEnvelope, CycleRepository } from '../../../returns/src/index.js';
import { PublishReportCommand, PublishReportResult } from './publish-report.command.js';
import { Publication, PublishedReports } from './published-reports.js';

export class PublishReportDto {
  @ApiPropertyOptional({
    description:
      'Print under each measure the day its return was last updated (approved). The seed report has none.',
    default: false,
  })
  @Optional()
  @IsBoolean()
  lastUpdatedDates?: boolean;
}

@ApiTags('reports')
@Controller('cycles')
export class PublishReportHttp {
  constructor(
    @Inject(CommandBus) private readonly commands: CommandBus,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PublishedReports) private readonly published: PublishedReports,
  ) {}

  @Post(':cycleId/publish')
  @Roles(['coordinator'], 'Only a coordinator can draft, open, close or publish a cycle')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Publish the report of a closed cycle (coordinator)',
    description:
      'Freezes the report as its readers see it (no approver, version or suggested DOT): records ' +
      'ReportPublished with the SHA-256 of its JSON and keeps those bytes, served ' +
      'unchanged at GET /cycles/{cycleId}/report?published=latest (or =N). Amendments approved later appear ' +
      'only in the next publication. 409 while the cycle is not closed.',
  })
  @ApiIfMatch()
  @ApiCreatedResponse({ description: 'The publication: its number, content hash and instant' })
  async publish(
    @Param('cycleId') cycleId: string,
    @Body() body: PublishReportDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PublishReportResult> {
    const result = await this.commands.execute(
      new PublishReportCommand(envelope, cycleId, body?.lastUpdatedDates ?? false),
    );
    res.setHeader('ETag', `"${result.version}"`);
    res.setHeader(
      'Location',
      `/cycles/${encodeURIComponent(cycleId)}/report?published=${result.publication}`,
    );
    return result;
  }

  @Get(':cycleId/publications')
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary:
      'Every publication of the cycle’s report: number, content hash, when and by whom, and the log digest it printed',
  })
  @ApiOkResponse({ description: 'The publications, oldest first' })
  async list(
    @Param('cycleId') cycleId: string,
    @CurrentActor() actor: Actor,
  ): Promise<{ cycleId: string; publications: Omit<Publication, 'body' | 'cycleId'>[] }> {
    const { state } = await this.cycles.load(cycleId);
    if (state.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(actor, state.partnershipId, 'cycle', cycleId);
    const publications = (await this.published.list(cycleId)).map(({ cycleId: _c, ...p }) => p);
    return { cycleId, publications };
  }
}
