import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';

/** The coordinator's own title and year heading for a cycle's report; null for the default of either. */
export class SetReportHeadingsCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly cycleId: string,
    readonly reportTitle: string | null,
    readonly yearHeading: string | null,
  ) {
    super();
  }
}
