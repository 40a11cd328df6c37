import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor, ANYONE_SIGNED_IN } from '../../../kernel/src/index.js';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { ConversationView, GetConversation } from './get-conversation.query.js';

@ApiTags('conversation')
@Controller('returns/:returnId/messages')
export class GetConversationHttp {
  constructor(@Inject(GetConversation) private readonly query: GetConversation) {}

  @Get()
  @Roles(ANYONE_SIGNED_IN)
  @ApiOperation({
    summary: 'The messages on a return, oldest first, with its open change requests',
    description:
      'Staff of the partnership and the lead of the return’s current agency only (anyone else: 404). Each ' +
      'message has its id (m1, m2...), plain-text body, author (staff id or lead contact email) and role, time, ' +
      'whether it is a change request and how that was closed (answered by a message, or resolved). The ETag ' +
      'is the thread’s version, the If-Match of the next post; it is apart from the return’s own version.',
  })
  @ApiOkResponse({ description: 'The thread' })
  async list(
    @Param('returnId') returnId: string,
    @CurrentActor() actor: Actor,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ConversationView> {
    const view = await this.query.view(actor, returnId);
    res.setHeader('ETag', `"${view.version}"`);
    return view;
  }
}
