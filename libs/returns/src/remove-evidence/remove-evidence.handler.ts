import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DomainError, TEXT_FAULT_MESSAGES, textFault } from '../../../kernel/src/index.js';
import { EvidenceRepository, EvidenceResult } from '../evidence/evidence.repository.js';
import { RemoveEvidenceCommand } from './remove-evidence.command.js';

export const REMOVAL_REASON_MAX_LENGTH = 2_000;

@CommandHandler(RemoveEvidenceCommand)
export class RemoveEvidenceHandler implements ICommandHandler<RemoveEvidenceCommand> {
  constructor(@Inject(EvidenceRepository) private readonly evidence: EvidenceRepository) {}

  execute(c: RemoveEvidenceCommand): Promise<EvidenceResult> {
    return this.evidence.remove(c.returnId, c.envelope, c.evidenceId, removalReason(c.reason));
  }
}

/** A reason is optional; one given is kept trimmed, and held to the rules of any stored text. */
function removalReason(reason: string | null): string | null {
  const trimmed = reason?.trim() ?? '';
  if (trimmed === '') return null;
  const fault = textFault(trimmed);
  if (fault) {
    throw new DomainError(
      'malformed-text',
      `The reason ${TEXT_FAULT_MESSAGES[fault]}`,
      'unprocessable',
      'reason',
    );
  }
  if (trimmed.length > REMOVAL_REASON_MAX_LENGTH) {
    throw new DomainError(
      'reason-too-long',
      `The reason must be ${REMOVAL_REASON_MAX_LENGTH} characters or fewer`,
      'unprocessable',
      'reason',
    );
  }
  return trimmed;
}
