import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { RedactedMessagePassage } from './message-passage-redaction.js';

export class RedactMessagePassageCommand extends Command<RedactedMessagePassage> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly returnId: string,
    readonly messageId: string,
    readonly passage: string,
    readonly reason: string,
  ) {
    super();
  }
}
