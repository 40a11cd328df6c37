import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../command-envelope.js';

export class ApproveReturnCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly returnId: string,
  ) {
    super();
  }
}
