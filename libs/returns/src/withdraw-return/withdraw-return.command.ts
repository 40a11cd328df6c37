import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';

/** Takes a return out of the cycle: it is no longer asked for, chased or reported. */
export class WithdrawReturnCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly returnId: string,
    readonly reason: string,
  ) {
    super();
  }
}
