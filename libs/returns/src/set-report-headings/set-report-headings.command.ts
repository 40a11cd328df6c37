import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';

/** The coordinator's own title, year heading and opening sentence for a cycle's report; null for a default. */
export class SetReportHeadingsCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly cycleId: string,
    readonly reportTitle: string | null,
    readonly yearHeading: string | null,
    /** The report's opening sentence; null for the default ("This report is produced on behalf of ..."). */
    readonly introduction: string | null = null,
  ) {
    super();
  }
}
