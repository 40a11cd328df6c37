import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';

export class ApproveReturnCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly returnId: string,
  ) {
    super();
  }
}
