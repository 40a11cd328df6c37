import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConversationRepository, ConversationResult } from '../conversation/conversation.repository.js';
import { ResolveChangeRequestCommand } from './resolve-change-request.command.js';

@CommandHandler(ResolveChangeRequestCommand)
export class ResolveChangeRequestHandler implements ICommandHandler<ResolveChangeRequestCommand> {
  constructor(@Inject(ConversationRepository) private readonly conversations: ConversationRepository) {}

  execute(c: ResolveChangeRequestCommand): Promise<ConversationResult> {
    return this.conversations.execute(c.returnId, c.envelope, {
      type: 'ResolveChangeRequest',
      messageId: c.messageId,
    });
  }
}
