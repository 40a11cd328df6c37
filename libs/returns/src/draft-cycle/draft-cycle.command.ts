import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';
import { CycleFacts } from '../cycle/cycle.state.js';

/**
 * Drafts a cycle. Without a cycleId the cycle is named from its label (`<partnership>~year-1-2019-20`, then
 * `-2`, `-3`... when the partnership has that name already); the result says the id it was given.
 */
export class DraftCycleCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly facts: Omit<CycleFacts, 'cycleId'> & { cycleId?: string },
  ) {
    super();
  }
}
