import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';

export interface PublishReportResult {
  id: string;
  version: number;
  status: 'published';
  publication: number;
  contentHash: string;
  publishedAt: string;
}

/** Freezes the report of a closed cycle: its JSON is stored, hashed, and served unchanged from then on. */
export class PublishReportCommand extends Command<PublishReportResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly cycleId: string,
    /** Whether each measure says when it was last updated (its return approved); the seed's report does not. */
    readonly lastUpdatedDates = false,
  ) {
    super();
  }
}
