import { Body, Controller, Inject, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsString, Matches, MaxLength } from 'class-validator';
import type { Response } from 'express';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { ApiVersionedWrite, Optional, Roles } from '../../../http/src/index.js';
import { withETag, WriteEnvelope } from '../command-http.js';
import { MESSAGE_MAX_LENGTH } from '../conversation/conversation.events.js';
import { ConversationResult } from '../conversation/conversation.repository.js';
import { PostMessageCommand } from './post-message.command.js';

export class PostMessageDto {
  @ApiProperty({
    description: `Plain text, 1 to ${MESSAGE_MAX_LENGTH} characters once trimmed (422 message-required / message-too-long)`,
    example: 'Please split the figures by district.',
  })
  @IsString()
  // The rule is 5,000 (422, from the rules); this only turns away what no one could have meant.
  @MaxLength(50_000)
  body: string;

  @ApiPropertyOptional({
    description: 'Staff only: the return cannot be approved until this is answered or resolved',
    default: false,
  })
  @Optional()
  @IsBoolean()
  changeRequest?: boolean;

  @ApiPropertyOptional({
    description: 'Agency lead only: the id of the open change request this message answers, which closes it',
    example: 'm1',
  })
  @Optional()
  @IsString()
  @Matches(/^m[1-9][0-9]{0,5}$/, { message: 'answers must be a message id such as m1' })
  answers?: string;
}

export class ConversationResultDto implements ConversationResult {
  @ApiProperty({ description: 'The return', example: 'y1-2019-20.C3' }) id: string;
  @ApiProperty({ description: 'The thread’s version after the write; send it as If-Match next', example: 2 })
  version: number;
  @ApiProperty({ description: 'The message posted, or the change request resolved', example: 'm2' })
  messageId: string;
  @ApiProperty({ description: 'The change requests still open', example: [] }) openChangeRequests: string[];
}

@ApiTags('conversation')
@Controller('returns/:returnId/messages')
export class PostMessageHttp {
  constructor(@Inject(CommandBus) private readonly commands: CommandBus) {}

  @Post()
  @Roles(
    ['coordinator', 'reviewer', 'agency-lead'],
    'Only reviewers, coordinators and the agency’s lead write on a return',
  )
  @ApiOperation({
    summary: 'Post a message on a return (reviewer, coordinator, or the lead of its agency)',
    description:
      'Staff may mark it a change request (not on an approved return: 422 return-approved); the agency’s lead ' +
      'may name the open change request it answers. If-Match is the thread’s version (GET .../messages), not ' +
      'the return’s: a message never makes the return’s version stale. The other side is told by mail.',
  })
  @ApiVersionedWrite()
  @ApiCreatedResponse({ type: ConversationResultDto })
  async post(
    @Param('returnId') returnId: string,
    @Body() body: PostMessageDto,
    @WriteEnvelope() envelope: CommandEnvelope,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ConversationResult> {
    return withETag(
      res,
      await this.commands.execute(
        new PostMessageCommand(
          envelope,
          returnId,
          body.body,
          body.changeRequest ?? false,
          body.answers ?? null,
        ),
      ),
    );
  }
}
