import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';
import { AppendixChange } from '../appendices/appendices.repository.js';

/**
 * One change to a cycle's appendices (add, retitle, move or remove an appendix; add, edit, move, remove or place
 * a case study in one). The result's id is the appendix or case study written: a new one's id for the next call.
 */
export class ChangeAppendicesCommand extends Command<CommandResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly cycleId: string,
    readonly change: AppendixChange,
  ) {
    super();
  }
}
