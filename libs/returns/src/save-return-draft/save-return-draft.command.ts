import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';
import { ReturnContent } from '../return/return-content.js';

export class SaveReturnDraftCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly returnId: string,
    readonly content: ReturnContent,
  ) {
    super();
  }
}
