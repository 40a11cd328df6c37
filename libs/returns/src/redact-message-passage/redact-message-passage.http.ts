import { Body, Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CommandEnvelope, DomainError } from '../../../kernel/src/index.js';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { withETag, WriteEnvelope } from '../command-http.js';
import { PassageToRedactDto } from '../redact-passage/passage-to-redact.dto.js';
import { RedactedMessagePassage } from './message-passage-redaction.js';
import { RedactMessagePassageCommand } from './redact-message-passage.command.js';

export class RedactMessagePassageDto extends PassageToRedactDto {}

@ApiTags('conversation')
@Controller('returns/:returnId/messages/:messageId')
export class RedactMessagePassageHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('redactions')
  @HttpCode(200)
  @Roles(['coordinator'], 'Only a coordinator can redact a passage')
  @ApiOperation({
    summary: 'Redact a passage from a message on a return’s thread (coordinator)',
    description:
      'Replaces the passage by [redacted] in the message wherever the thread is read (the lead’s and the ' +
      'reviewer’s pages, the return’s history, a rebuild) and records MessagePassageRedacted (the message, ' +
      'SHA-256 and length of the passage, reason) on the thread. If-Match is the thread’s version. 422 naming ' +
      '`passage` when the message does not hold it (passage-not-found), `reason` when the reason repeats it, ' +
      '`messageId` for a message posted before messages could be redacted (message-held-in-log); 404 for no ' +
      'such message.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ description: 'The thread’s new version and the texts changed' })
  async redact(
    @Param('returnId') returnId: string,
    @Param('messageId') messageId: string,
    @Body() body: RedactMessagePassageDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<RedactedMessagePassage> {
    if (!/^m[1-9][0-9]{0,5}$/.test(messageId)) {
      throw new DomainError('message-not-found', 'No such message', 'not-found', 'messageId');
    }
    return withETag(
      res,
      await this.commands.execute(
        new RedactMessagePassageCommand(envelope, returnId, messageId, body.passage, body.reason),
      ),
    );
  }
}
