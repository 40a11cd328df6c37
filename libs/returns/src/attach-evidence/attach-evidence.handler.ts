import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { EvidenceRepository, EvidenceResult } from '../evidence/evidence.repository.js';
import { AttachEvidenceCommand } from './attach-evidence.command.js';

/**
 * Refusals are DomainErrors naming the field (`file` or `title`), for a page's GOV.UK error summary as for the
 * API's problem+json. Whatever is refused, nothing of the file is kept.
 */
@CommandHandler(AttachEvidenceCommand)
export class AttachEvidenceHandler implements ICommandHandler<AttachEvidenceCommand> {
  constructor(@Inject(EvidenceRepository) private readonly evidence: EvidenceRepository) {}

  async execute(c: AttachEvidenceCommand): Promise<EvidenceResult> {
    try {
      return await this.evidence.attach(c.returnId, c.envelope, c.upload);
    } finally {
      // Whatever was not read (a refusal before the end) is not wanted: stop the upload rather than wait on it.
      if (!c.upload.content.readableEnded) c.upload.content.destroy();
    }
  }
}
