import { Body, Controller, HttpCode, Inject, Param, Post, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { ApproveReturnCommand } from '../approve-return/approve-return.command.js';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';
import { CommandResultDto, withETag, WriteEnvelope } from '../command-http.js';

import { SaveReturnDraftCommand } from '../save-return-draft/save-return-draft.command.js';
import { SendReturnBackCommand } from '../send-return-back/send-return-back.command.js';
import { SubmitReturnCommand } from '../submit-return/submit-return.command.js';
import { ReasonDto } from './reason.dto.js';
import { ReturnContentDto } from './return-content.dto.js';

export { ReasonDto } from './reason.dto.js';

/** The writes of a return's review loop: If-Match carries the version the caller read; the ETag the new one. */
@ApiTags('returns')
@Controller('returns/:returnId')
export class ReturnCommandsHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Put('draft')
  @Roles(['coordinator', 'reviewer', 'agency-lead'], 'Your role cannot edit returns')
  @ApiOperation({
    summary: 'Save a draft (agency lead of the owning agency, coordinator or reviewer)',
    description:
      'Replaces the working copy with the content sent; anything may be left out of a draft. A draft that says ' +
      'what the working copy says (empty fields and line endings aside) records nothing: 200 at the current version.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  saveDraft(
    @Param('returnId') id: string,
    @Body() body: ReturnContentDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.run(res, new SaveReturnDraftCommand(envelope, id, { ...body }));
  }

  @Post('submit')
  @Roles(['coordinator', 'reviewer', 'agency-lead'], 'Your role cannot edit returns')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Submit a return for review',
    description:
      'Submits the content sent, or the saved draft when the body is empty. RAG and narrative are required (422).',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  submit(
    @Param('returnId') id: string,
    @Body() body: ReturnContentDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ) {
    // The validated DTO carries every field, unset ones as undefined: an empty body submits the saved draft.
    const given = Object.entries(body).filter(([, value]) => value !== undefined);
    const content = given.length > 0 ? (Object.fromEntries(given) as ReturnContentDto) : undefined;
    return this.run(res, new SubmitReturnCommand(envelope, id, content));
  }

  @Post('approve')
  @Roles(['reviewer', 'coordinator'], 'Only reviewers and coordinators review returns')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve a submitted return (reviewer or coordinator)',
    description: 'Someone who edited this version cannot approve it (403 approver-edited).',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  approve(
    @Param('returnId') id: string,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.run(res, new ApproveReturnCommand(envelope, id));
  }

  @Post('send-back')
  @Roles(['reviewer', 'coordinator'], 'Only reviewers and coordinators review returns')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a submitted return back to its agency with a reason (reviewer or coordinator)',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: CommandResultDto })
  sendBack(
    @Param('returnId') id: string,
    @Body() body: ReasonDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.run(res, new SendReturnBackCommand(envelope, id, body.reason));
  }

  private async run(res: Response, command: { envelope: CommandEnvelope }): Promise<CommandResult> {
    return withETag(res, await this.commands.execute(command as never));
  }
}
