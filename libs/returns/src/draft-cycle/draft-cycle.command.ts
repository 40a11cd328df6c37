import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';
import { CycleFacts } from '../cycle/cycle.state.js';

export class DraftCycleCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly facts: CycleFacts,
  ) {
    super();
  }
}
