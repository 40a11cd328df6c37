import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { MessagePassageRedaction, RedactedMessagePassage } from './message-passage-redaction.js';
import { RedactMessagePassageCommand } from './redact-message-passage.command.js';

@CommandHandler(RedactMessagePassageCommand)
export class RedactMessagePassageHandler implements ICommandHandler<RedactMessagePassageCommand> {
  constructor(@Inject(MessagePassageRedaction) private readonly redaction: MessagePassageRedaction) {}

  execute(c: RedactMessagePassageCommand): Promise<RedactedMessagePassage> {
    return this.redaction.redact(c.envelope, {
      returnId: c.returnId,
      messageId: c.messageId,
      passage: c.passage,
      reason: c.reason,
    });
  }
}
