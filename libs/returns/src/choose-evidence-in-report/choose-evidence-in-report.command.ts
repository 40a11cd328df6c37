import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';

export interface EvidenceChoiceResult {
  /** The return. */
  id: string;
  evidenceId: string;
  inReport: boolean;
  /** The evidence stream's version after the write: the ETag, and the If-Match of the next one. */
  version: number;
}

export class ChooseEvidenceInReportCommand extends Command<EvidenceChoiceResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly returnId: string,
    readonly evidenceId: string,
    readonly inReport: boolean,
  ) {
    super();
  }
}
