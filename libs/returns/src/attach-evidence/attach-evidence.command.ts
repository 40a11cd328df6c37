import type { Readable } from 'node:stream';
import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';

/** What the lead sends: the name and title as given, the type the browser declared, and the bytes as a stream. */
export interface EvidenceUpload {
  fileName: string;
  title: string;
  /** As the browser declared it; only a hint, the type is decided by sniffing the content. */
  declaredType: string;
  content: Readable;
}

/**
 * Attach a file to a return. Only the command's shape, for the agency's files page to dispatch: its handler
 * (storage, sniffing, limits) is built on the evidence storage branch, whose version of this class wins at
 * merge.
 */
export class AttachEvidenceCommand extends Command<unknown> {
  constructor(
    readonly returnId: string,
    readonly envelope: CommandEnvelope,
    readonly upload: EvidenceUpload,
  ) {
    super();
  }
}
