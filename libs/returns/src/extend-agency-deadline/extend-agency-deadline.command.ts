import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';

export interface AgencyExtensionResult {
  /** The cycle: it is not written, so its version is the one If-Match is checked against. */
  id: string;
  version: number;
  status: string;
  agencyId: string;
  dueDate: string;
  /** Every return that was extended, with its new version. */
  returns: CommandResult[];
}

/** Gives every unresolved return of one agency in a cycle the same later due date, all of them or none. */
export class ExtendAgencyDeadlineCommand extends Command<AgencyExtensionResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly cycleId: string,
    readonly agencyId: string,
    readonly dueDate: string,
    readonly reason: string,
  ) {
    super();
  }
}
