import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  Clock,
  CYCLE_NAME,
  cycleNameFromLabel,
  DomainError,
  scopedCycleId,
} from '../../../kernel/src/index.js';
import { ConcurrencyError, EventStore, metadataFor } from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { cycleStreamId } from '../cycle/cycle.events.js';
import { CycleRepository } from '../cycle/cycle.repository.js';
import { PartnershipIndex } from '../partnership-index.js';
import { checkedFileName } from '../evidence/evidence-file-name.js';
import { readHistoricalUpload } from './read-historical-upload.js';
import { decideRecordHistoricalCycle } from './record-historical-cycle.decide.js';
import {
  HistoricalCycleResult,
  HistoricalUpload,
  RecordHistoricalCycleCommand,
} from './record-historical-cycle.command.js';

const cycleExists = () =>
  new DomainError('cycle-exists', 'Your partnership already has a cycle of that name', 'conflict', 'cycleId');

/**
 * Records a past cycle from a file in one transaction: the cycle's events and every return's, or nothing. The
 * file is read and checked whole by the pure rules; this shell only gathers what they weigh.
 */
@CommandHandler(RecordHistoricalCycleCommand)
export class RecordHistoricalCycleHandler implements ICommandHandler<RecordHistoricalCycleCommand> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(PartnershipIndex) private readonly index: PartnershipIndex,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async execute({
    envelope,
    upload,
    name,
    planId,
  }: RecordHistoricalCycleCommand): Promise<HistoricalCycleResult> {
    const { actor } = envelope;
    const { file, source } = await readHistoricalUpload({ ...upload, fileName: sourceName(upload) });
    // Named from the label as a drafted cycle is (see cycle-id.ts), but never `-2`: a past year recorded twice is
    // more likely a slip than a second cycle, so a taken name is a 409.
    const cycleName = name ?? cycleNameFromLabel(file.label) ?? `history-${source.sha256.slice(0, 12)}`;
    if (!CYCLE_NAME.test(cycleName))
      throw new DomainError(
        'invalid-id',
        'The cycle name must be lower-case letters, digits and "-", at most 64',
        'unprocessable',
        'cycleId',
      );
    const plan = planId ?? (await this.index.planIds(actor.partnershipId)).at(-1);
    const planState = plan ? await this.plans.plan(actor.partnershipId, plan) : { status: 'none' as const };
    if (!plan || planState.status !== 'adopted')
      throw new DomainError(
        'plan-not-found',
        'Load the plan before recording a past cycle',
        'unprocessable',
        'planId',
      );
    const planMeasures = [...planState.measures.values()]
      .sort((a, b) => a.position - b.position)
      .map((m) => ({ ref: m.ref, themeId: m.themeId, leadAgencyId: m.leadAgencyId }));
    // A cycle of before scoping holds the name as its whole id, so a new one may not take it (as when drafting).
    const [existing, recorded, legacy] = await Promise.all([
      this.cycles.load(scopedCycleId(actor.partnershipId, cycleName)),
      this.index.historicalSources(actor.partnershipId),
      this.index.cycleIds(actor.partnershipId),
    ]);
    if (legacy.includes(cycleName)) throw cycleExists();
    const cycleId = scopedCycleId(actor.partnershipId, cycleName);
    const now = this.clock.now();
    const events = decideRecordHistoricalCycle(
      {
        type: 'RecordHistoricalCycle',
        actor,
        now,
        cycleId,
        planId: plan,
        source,
        file,
        planMeasures,
      },
      { cycle: existing.state, recorded },
    );
    try {
      const [cycle] = await this.store.appendMany(
        [
          { streamId: cycleStreamId(cycleId), expectedVersion: 'no_stream', events: events.cycle },
          ...events.returns.map((r) => ({ ...r, expectedVersion: 'no_stream' as const })),
        ],
        // Every event names the file it came from, so a return's history says where its approval came from (the
        // file's hash is on CycleRecordedFromHistory).
        metadataFor(envelope, `Recorded from the past report ${source.fileName}`),
        { recordedAt: now },
      );
      return {
        id: cycleId,
        version: cycle.nextExpectedVersion,
        status: 'closed',
        returns: events.returns.length,
      };
    } catch (error) {
      if (error instanceof ConcurrencyError) throw cycleExists();
      throw error;
    }
  }
}

/**
 * The file's name, held to an evidence file's rules (no controls or bidirectional overrides, no path, at most 255
 * characters): every return's history shows it ("Recorded from the past report ..."), and a name such as
 * `2019\u202Enosj.xlsx` would read there as another. A posted report's name is its `fileName` field.
 */
function sourceName(upload: HistoricalUpload): string {
  try {
    return checkedFileName(upload.fileName);
  } catch (error) {
    if (error instanceof DomainError && 'report' in upload)
      throw new DomainError(error.code, error.message, error.kind, 'fileName');
    throw error;
  }
}
