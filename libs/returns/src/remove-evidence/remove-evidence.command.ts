import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { EvidenceResult } from '../evidence/evidence.repository.js';

/** Remove a file from a return: an EvidenceRemoved event (with the reason, if any), then its bytes go. */
export class RemoveEvidenceCommand extends Command<EvidenceResult> {
  constructor(
    readonly returnId: string,
    readonly envelope: CommandEnvelope,
    readonly evidenceId: string,
    readonly reason: string | null,
  ) {
    super();
  }
}
