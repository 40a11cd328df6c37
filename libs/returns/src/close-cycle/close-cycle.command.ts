import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';

/** Ends a cycle's collection; refused while returns are unresolved unless forced with a reason. */
export class CloseCycleCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly cycleId: string,
    readonly force?: boolean,
    readonly reason?: string,
  ) {
    super();
  }
}
