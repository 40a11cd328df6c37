import { Command } from '@nestjs/cqrs';
import type { Readable } from 'node:stream';
import { CommandEnvelope } from '../../../kernel/src/index.js';
import { EvidenceResult } from '../evidence/evidence.repository.js';

/**
 * Attach a file to a return. `content` is read once, as it arrives (never whole in memory); the type is decided
 * by its content, whatever `fileName` and `declaredType` say. An empty `title` takes the file's name.
 */
export class AttachEvidenceCommand extends Command<EvidenceResult> {
  constructor(
    readonly returnId: string,
    readonly envelope: CommandEnvelope,
    readonly upload: { fileName: string; title: string; declaredType: string; content: Readable },
  ) {
    super();
  }
}
