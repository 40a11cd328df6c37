import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';

/** Hands a return to another agency of the partnership, whose leads then write it. */
export class ReassignReturnCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly returnId: string,
    readonly toAgencyId: string,
    readonly reason: string,
  ) {
    super();
  }
}
