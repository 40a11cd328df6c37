import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';

/** Gives one return a later due date; it is overdue only after that date. */
export class ExtendDeadlineCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly returnId: string,
    /** YYYY-MM-DD, after the current due date. */
    readonly dueDate: string,
    readonly reason: string,
  ) {
    super();
  }
}
