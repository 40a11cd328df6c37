import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ConversationRepository, ConversationResult } from '../conversation/conversation.repository.js';
import { PostMessageCommand } from './post-message.command.js';

@CommandHandler(PostMessageCommand)
export class PostMessageHandler implements ICommandHandler<PostMessageCommand> {
  constructor(@Inject(ConversationRepository) private readonly conversations: ConversationRepository) {}

  execute(c: PostMessageCommand): Promise<ConversationResult> {
    return this.conversations.execute(c.returnId, c.envelope, {
      type: 'PostMessage',
      body: c.body,
      changeRequest: c.changeRequest,
      answers: c.answers,
    });
  }
}
