import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';

/**
 * Remove a file from a return (its bytes go, its events stay). Only the command's shape, for the agency's
 * files page: its handler is built on the evidence storage branch, whose version of this class wins at merge.
 */
export class RemoveEvidenceCommand extends Command<unknown> {
  constructor(
    readonly returnId: string,
    readonly envelope: CommandEnvelope,
    readonly evidenceId: string,
    readonly reason: string | null,
  ) {
    super();
  }
}
