import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';
import { ReturnContent } from '../return/return-content.js';

export class SubmitReturnCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly returnId: string,
    /** What to submit; the saved draft when omitted. */
    readonly content?: ReturnContent,
  ) {
    super();
  }
}
