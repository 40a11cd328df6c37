import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';

export class OpenCycleCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly cycleId: string,
    /** A chosen subset of measure refs; every live measure of the plan when omitted. */
    readonly measureRefs?: string[],
  ) {
    super();
  }
}
