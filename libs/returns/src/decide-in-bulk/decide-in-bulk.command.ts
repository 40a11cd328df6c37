import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';
import { BulkDecision, BulkMode, BulkOutcome, BulkRefusal } from './decide-in-bulk.rules.js';

export interface BulkDecisionResult {
  decision: BulkDecision;
  mode: BulkMode;
  outcome: BulkOutcome;
  /** Each return decided, with its new version and status, and its measure ref. */
  decided: (CommandResult & { measureRef: string })[];
  refused: BulkRefusal[];
  /** Returns that could have been decided, left alone because another in an all-or-nothing selection could not. */
  held: { returnId: string; measureRef: string }[];
}

/** Approves or sends back a selection of returns, each through the rules of a single decision. */
export class DecideInBulkCommand extends Command<BulkDecisionResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly decision: BulkDecision,
    readonly mode: BulkMode,
    readonly returns: readonly { returnId: string; version: number }[],
    readonly reason?: string,
  ) {
    super();
  }
}
