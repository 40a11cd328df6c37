import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Clock, DomainError } from '../../../kernel/src/index.js';
import { ConcurrencyError, EventStore, metadataFor } from '../../../event-store/src/index.js';
import { cycleStreamId } from '../cycle/cycle.events.js';
import { cycleAsRead, CycleRepository } from '../cycle/cycle.repository.js';
import { MeasureIndicators } from '../return/measure-indicators.js';
import { returnStreamId } from '../return/return.events.js';
import { ReturnRepository } from '../return/return.repository.js';
import { readReturnsWorkbook } from './read-returns-workbook.js';
import { COLUMNS, problemInWords, SheetProblem } from './returns-sheet.js';
import { SaveSpreadsheetDraftsCommand, SpreadsheetDraftsResult } from './spreadsheet-drafts.command.js';
import { decideSpreadsheetRows, StoredReturn } from './spreadsheet-drafts.rules.js';

/**
 * Reads the workbook, loads the returns its rows name, runs the row rules, and appends every draft in one
 * transaction at the versions the file was made from: all of them, or (on any problem) none.
 */
@CommandHandler(SaveSpreadsheetDraftsCommand)
export class SaveSpreadsheetDraftsHandler implements ICommandHandler<SaveSpreadsheetDraftsCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(ReturnRepository) private readonly returns: ReturnRepository,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(MeasureIndicators) private readonly indicators: MeasureIndicators,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute(command: SaveSpreadsheetDraftsCommand): Promise<SpreadsheetDraftsResult> {
    const { envelope, cycleId } = command;
    const read = await readReturnsWorkbook(command.bytes);
    if ('unreadable' in read)
      throw new DomainError('spreadsheet-unreadable', read.unreadable, 'unprocessable', 'file');
    refuseIfAny(read.problems);
    const ids = [...new Set(read.rows.map((r) => String(r.cells[COLUMNS.returnId] ?? '').trim()))];
    const stored = new Map<string, StoredReturn>();
    for (const { state, version } of await this.returns.loadMany(ids.filter(Boolean))) {
      // A row naming a return of another cycle or partnership is a return this upload does not know.
      if (state.cycleId !== cycleId || state.partnershipId !== envelope.actor.partnershipId) continue;
      stored.set(state.returnId, { state, version, indicators: await this.indicators.of(state) });
    }
    const cycle = await this.cycles.standing(cycleId);
    const decision = decideSpreadsheetRows(read.rows, stored, envelope.actor, cycle.status);
    refuseIfAny(decision.problems);
    if (decision.drafts.length === 0) return { saved: [], unchanged: decision.unchanged };
    try {
      const written = await this.store.appendMany(
        decision.drafts.map((d) => ({
          streamId: returnStreamId(d.returnId),
          expectedVersion: d.expectedVersion,
          events: d.events,
        })),
        metadataFor(envelope, null),
        { recordedAt: this.clock.now() },
        // As a single return's command does (ReturnRepository): no draft lands after the cycle's close.
        [cycleAsRead(cycleId, cycle.version)],
      );
      return {
        saved: decision.drafts.map((d, i) => ({
          returnId: d.returnId,
          measureRef: d.measureRef,
          version: written[i].nextExpectedVersion,
        })),
        unchanged: decision.unchanged,
      };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      if (error.streamId === cycleStreamId(cycleId)) {
        refuseIfAny([
          {
            row: 1,
            column: COLUMNS.returnId,
            message:
              'the cycle was changed (closed, or its deadline moved) while the spreadsheet was being saved: upload it again',
          },
        ]);
      }
      // Changed between reading the file and saving it: the same problem as a stale row, found a moment later.
      const moved = decision.drafts.find((d) => returnStreamId(d.returnId) === error.streamId);
      refuseIfAny([
        {
          row: moved?.row ?? 1,
          column: COLUMNS.version,
          message: `${moved?.measureRef ?? 'A return'} was changed while the spreadsheet was being saved: download it again`,
        },
      ]);
      throw error;
    }
  }
}

function refuseIfAny(problems: SheetProblem[]): void {
  if (problems.length === 0) return;
  throw new DomainError(
    'spreadsheet-problems',
    `The spreadsheet has ${problems.length === 1 ? '1 problem' : `${problems.length} problems`}: nothing was saved`,
    'unprocessable',
    'file',
    { problems: problems.map((p) => ({ ...p, text: problemInWords(p) })) },
  );
}
