import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { ConversationResult } from '../conversation/conversation.repository.js';

export class PostMessageCommand extends Command<ConversationResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly returnId: string,
    readonly body: string,
    readonly changeRequest: boolean,
    readonly answers: string | null,
  ) {
    super();
  }
}
