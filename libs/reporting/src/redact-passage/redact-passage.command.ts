import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';

export interface ReissuedPublication {
  /** The publication whose bytes held the passage: deleted, its hash kept with the reason. */
  publication: number;
  contentHash: string;
  /** The new publication that re-issues it redacted. */
  reissuedAs: number;
  reissuedContentHash: string;
}

export interface RedactPassageResult {
  id: string;
  version: number;
  status: 'redacted';
  /** How many stored versions of the field (drafts included) had the passage taken out. */
  textsChanged: number;
  reissued: ReissuedPublication[];
}

/**
 * A coordinator redacts a passage from a return's field, in every version of it, and every publication of the
 * cycle's report that held it is re-issued redacted: one transaction, so never half done.
 */
export class RedactPassageCommand extends Command<RedactPassageResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly returnId: string,
    readonly field: string,
    readonly passage: string,
    readonly reason: string,
  ) {
    super();
  }
}
