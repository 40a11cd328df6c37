import { Command } from '@nestjs/cqrs';
import { CommandEnvelope, CommandResult } from '../../../kernel/src/index.js';

/** The file a past cycle is recorded from: its bytes as uploaded, or a report's JSON already parsed. */
export type HistoricalUpload = { fileName: string; bytes: Buffer } | { fileName: string; report: unknown };

export type HistoricalCycleResult = CommandResult & { returns: number };

export class RecordHistoricalCycleCommand extends Command<HistoricalCycleResult> {
  constructor(
    readonly envelope: CommandEnvelope,
    readonly upload: HistoricalUpload,
    /** The cycle's name in the partnership; made from the file's label when left out. */
    readonly name?: string,
    /** The plan whose measures the file's refs are matched to; the partnership's latest when left out. */
    readonly planId?: string,
  ) {
    super();
  }
}
