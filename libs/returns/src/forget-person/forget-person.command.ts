import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';

/** Forget the person with this address, an agency contact or member of staff of the actor's partnership, for this reason. */
export class ForgetPersonCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly email: string,
    readonly reason: string,
  ) {
    super();
  }
}
