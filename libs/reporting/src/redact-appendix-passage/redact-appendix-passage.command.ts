import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { ReissuedPublication } from '../redact-passage/redact-passage.command.js';

export interface RedactAppendixPassageResult {
  id: string;
  version: number;
  status: 'redacted';
  /** How many stored versions of the part had the passage taken out. */
  textsChanged: number;
  reissued: ReissuedPublication[];
}

/**
 * A coordinator redacts a passage from a case study entered in one of the cycle's appendices (its title or a
 * section's body), in every version of it, and every publication that held it is re-issued: one transaction.
 */
export class RedactAppendixPassageCommand extends Command<RedactAppendixPassageResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly cycleId: string,
    readonly appendixId: string,
    readonly caseStudyId: string,
    readonly part: unknown,
    readonly passage: string,
    readonly reason: string,
  ) {
    super();
  }
}
