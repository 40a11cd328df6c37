import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Put, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { CorrelationId, CurrentActor, versionFromIfMatch } from '../../../http/src/index.js';
import { ApproveReturnCommand } from '../approve-return/approve-return.command.js';
import { CommandEnvelope, CommandResult } from '../command-envelope.js';
import { Actor } from '../domain-error.js';
import { SaveReturnDraftCommand } from '../save-return-draft/save-return-draft.command.js';
import { SendReturnBackCommand } from '../send-return-back/send-return-back.command.js';
import { SubmitReturnCommand } from '../submit-return/submit-return.command.js';
import { ReturnContentDto } from './return-content.dto.js';

export class ReasonDto {
  @IsString() @IsNotEmpty() @MaxLength(2000) reason: string;
}

/** Every write to a return: If-Match carries the version the caller read; the answer's ETag the new one. */
@ApiTags('returns')
@Controller('returns/:returnId')
export class ReturnCommandsHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Put('draft')
  saveDraft(
    @Param('returnId') id: string,
    @Body() body: ReturnContentDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @CorrelationId() cid: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.run(res, new SaveReturnDraftCommand(envelope(actor, cid, ifMatch), id, { ...body }));
  }

  @Post('submit')
  @HttpCode(200)
  submit(
    @Param('returnId') id: string,
    @Body() body: ReturnContentDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @CorrelationId() cid: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    const content = Object.keys(body).length > 0 ? { ...body } : undefined;
    return this.run(res, new SubmitReturnCommand(envelope(actor, cid, ifMatch), id, content));
  }

  @Post('approve')
  @HttpCode(200)
  approve(
    @Param('returnId') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @CorrelationId() cid: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.run(res, new ApproveReturnCommand(envelope(actor, cid, ifMatch), id));
  }

  @Post('send-back')
  @HttpCode(200)
  sendBack(
    @Param('returnId') id: string,
    @Body() body: ReasonDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentActor() actor: Actor,
    @CorrelationId() cid: string,
    @Res({ passthrough: true }) res: Response,
  ) {
    return this.run(res, new SendReturnBackCommand(envelope(actor, cid, ifMatch), id, body.reason));
  }

  private async run(res: Response, command: { envelope: CommandEnvelope }): Promise<CommandResult> {
    const result: CommandResult = await this.commands.execute(command as never);
    res.setHeader('ETag', `"${result.version}"`);
    return result;
  }
}

function envelope(actor: Actor, correlationId: string, ifMatch: string | undefined): CommandEnvelope {
  return { actor, correlationId, expectedVersion: versionFromIfMatch(ifMatch) };
}
