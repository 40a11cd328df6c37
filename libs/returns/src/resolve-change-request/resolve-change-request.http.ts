import { Controller, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CommandEnvelope, DomainError } from '../../../kernel/src/index.js';
import { ApiVersionedWrite, Roles } from '../../../http/src/index.js';
import { withETag, WriteEnvelope } from '../command-http.js';
import { ConversationResult } from '../conversation/conversation.repository.js';
import { ConversationResultDto } from '../post-message/post-message.http.js';
import { ResolveChangeRequestCommand } from './resolve-change-request.command.js';

@ApiTags('conversation')
@Controller('returns/:returnId/messages/:messageId')
export class ResolveChangeRequestHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post('resolve')
  @HttpCode(200)
  @Roles(['coordinator', 'reviewer'], 'Only a reviewer or coordinator resolves a change request')
  @ApiOperation({
    summary: 'Resolve an open change request without the agency’s answer (reviewer or coordinator)',
    description:
      'Closes it, so it no longer holds back approval. 404 for a message that is not a change request, 409 ' +
      'for one already answered or resolved. If-Match is the thread’s version.',
  })
  @ApiVersionedWrite()
  @ApiOkResponse({ type: ConversationResultDto })
  async resolve(
    @Param('returnId') returnId: string,
    @Param('messageId') messageId: string,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ConversationResult> {
    if (!/^m[1-9][0-9]{0,5}$/.test(messageId)) {
      throw new DomainError('message-not-found', 'No such change request', 'not-found', 'messageId');
    }
    return withETag(
      res,
      await this.commands.execute(new ResolveChangeRequestCommand(envelope, returnId, messageId)),
    );
  }
}
