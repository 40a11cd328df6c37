import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';

/** Opens an approved return for amendment; the approved version stays the reported one until re-approved. */
export class ReopenReturnCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly returnId: string,
    readonly reason: string,
  ) {
    super();
  }
}
