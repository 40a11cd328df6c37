import { Command } from '@nestjs/cqrs';
import { CommandEnvelope } from '../../../kernel/src/index.js';

/** What an upload saved: each return drafted from a row, and how many rows held nothing new. */
export interface SpreadsheetDraftsResult {
  saved: { returnId: string; measureRef: string; version: number }[];
  unchanged: number;
}

/** An agency lead's returns workbook, uploaded to save its changed rows as drafts, all or none. */
export class SaveSpreadsheetDraftsCommand extends Command<SpreadsheetDraftsResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly cycleId: string,
    readonly bytes: Buffer,
  ) {
    super();
  }
}
