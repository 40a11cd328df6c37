import { Body, Controller, Delete, HttpCode, Inject, Param, Post, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { CommandResultDto, WriteEnvelope, withETag } from '../command-http.js';
import { AppendixChange } from '../appendices/appendices.repository.js';
import { EnteredCaseStudy } from '../appendices/appendices.events.js';
import { ChangeAppendicesCommand } from './change-appendices.command.js';
import { AppendixCaseStudyDto, AppendixDto, PlaceCaseStudyDto, PositionDto } from './appendix.dto.js';

const ONLY_COORDINATOR = 'Only a coordinator can change the appendices';

const study = (body: AppendixCaseStudyDto): EnteredCaseStudy => ({
  title: body.title,
  organisation: body.organisation,
  author: body.author ?? null,
  measureRef: body.measureRef ?? null,
  themeId: body.themeId ?? null,
  groupHeading: body.groupHeading || null,
  sections: body.sections.map((s) => ({ heading: s.heading, body: s.body })),
});

/**
 * The coordinator's writes to a cycle's appendices. Every write takes If-Match with the appendices' version (the
 * ETag of GET /cycles/:cycleId/appendices, 0 before the first), and answers the new version as its ETag.
 */
@ApiTags('appendices')
@Controller('cycles/:cycleId/appendices')
export class ChangeAppendicesHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  private async run(res: Response, envelope: CommandEnvelope, cycleId: string, change: AppendixChange) {
    return withETag(res, await this.commands.execute(new ChangeAppendicesCommand(envelope, cycleId, change)));
  }

  @Post()
  @Roles(['coordinator'], ONLY_COORDINATOR)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add an appendix at the end (coordinator)',
    description: 'The answer’s id is the new appendix’s.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  add(
    @Param('cycleId') cycleId: string,
    @Body() body: AppendixDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    return this.run(res, envelope, cycleId, {
      type: 'AddAppendix',
      title: body.title,
      introduction: body.introduction ?? '',
    });
  }

  @Put(':appendixId')
  @Roles(['coordinator'], ONLY_COORDINATOR)
  @ApiOperation({ summary: 'Retitle an appendix or change its introduction (coordinator)' })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  change(
    @Param('cycleId') cycleId: string,
    @Param('appendixId') appendixId: string,
    @Body() body: AppendixDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    return this.run(res, envelope, cycleId, {
      type: 'ChangeAppendix',
      appendixId,
      title: body.title,
      introduction: body.introduction ?? '',
    });
  }

  @Post(':appendixId/move')
  @Roles(['coordinator'], ONLY_COORDINATOR)
  @HttpCode(200)
  @ApiOperation({ summary: 'Move an appendix to another place, counted from 1 (coordinator)' })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  move(
    @Param('cycleId') cycleId: string,
    @Param('appendixId') appendixId: string,
    @Body() body: PositionDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    return this.run(res, envelope, cycleId, { type: 'MoveAppendix', appendixId, position: body.position });
  }

  @Delete(':appendixId')
  @Roles(['coordinator'], ONLY_COORDINATOR)
  @ApiOperation({ summary: 'Remove an appendix and what it holds (coordinator)' })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  remove(
    @Param('cycleId') cycleId: string,
    @Param('appendixId') appendixId: string,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    return this.run(res, envelope, cycleId, { type: 'RemoveAppendix', appendixId });
  }

  @Post(':appendixId/case-studies')
  @Roles(['coordinator'], ONLY_COORDINATOR)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Add a case study at the end of an appendix (coordinator)',
    description:
      'Tied to a measure of the plan or none, printed under a theme or none; the answer’s id is its id.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  addStudy(
    @Param('cycleId') cycleId: string,
    @Param('appendixId') appendixId: string,
    @Body() body: AppendixCaseStudyDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    return this.run(res, envelope, cycleId, { type: 'AddCaseStudy', appendixId, study: study(body) });
  }

  @Post(':appendixId/agency-case-studies')
  @Roles(['coordinator'], ONLY_COORDINATOR)
  @HttpCode(201)
  @ApiOperation({
    summary: "Place an agency's case study in an appendix (coordinator)",
    description:
      'Names a case study of a return of this cycle by the return and its place among the return’s studies. ' +
      'The report prints it as the return’s last approval has it.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  place(
    @Param('cycleId') cycleId: string,
    @Param('appendixId') appendixId: string,
    @Body() body: PlaceCaseStudyDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    return this.run(res, envelope, cycleId, {
      type: 'PlaceAgencyCaseStudy',
      appendixId,
      returnId: body.returnId,
      index: body.index,
    });
  }

  @Put(':appendixId/case-studies/:caseStudyId')
  @Roles(['coordinator'], ONLY_COORDINATOR)
  @ApiOperation({ summary: 'Edit a case study the coordinator entered (coordinator)' })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  changeStudy(
    @Param('cycleId') cycleId: string,
    @Param('appendixId') appendixId: string,
    @Param('caseStudyId') caseStudyId: string,
    @Body() body: AppendixCaseStudyDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    return this.run(res, envelope, cycleId, {
      type: 'ChangeCaseStudy',
      appendixId,
      caseStudyId,
      study: study(body),
    });
  }

  @Post(':appendixId/case-studies/:caseStudyId/move')
  @Roles(['coordinator'], ONLY_COORDINATOR)
  @HttpCode(200)
  @ApiOperation({ summary: 'Move a case study within its appendix, counted from 1 (coordinator)' })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  moveStudy(
    @Param('cycleId') cycleId: string,
    @Param('appendixId') appendixId: string,
    @Param('caseStudyId') caseStudyId: string,
    @Body() body: PositionDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    return this.run(res, envelope, cycleId, {
      type: 'MoveCaseStudy',
      appendixId,
      caseStudyId,
      position: body.position,
    });
  }

  @Delete(':appendixId/case-studies/:caseStudyId')
  @Roles(['coordinator'], ONLY_COORDINATOR)
  @ApiOperation({ summary: 'Take a case study out of an appendix (coordinator)' })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  removeStudy(
    @Param('cycleId') cycleId: string,
    @Param('appendixId') appendixId: string,
    @Param('caseStudyId') caseStudyId: string,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<CommandResultDto> {
    return this.run(res, envelope, cycleId, { type: 'RemoveCaseStudy', appendixId, caseStudyId });
  }
}
