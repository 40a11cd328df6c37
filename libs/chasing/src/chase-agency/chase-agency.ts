import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../kernel/src/index.js';
import { EventStore, ExpectedVersion } from '../../../event-store/src/index.js';
import { ChaseAgencyJob } from '../../../queues/src/index.js';
import { WORKING_CALENDAR } from '../calendar/calendar.provider.js';
import { WorkingCalendar } from '../calendar/working-days.js';
import { ChaseEvent, chaseStreamId } from '../chase/chase.events.js';
import { ChaseCommand, decideChase } from '../chase/chase.decide.js';
import { ChaseSnapshots } from '../chase-snapshot/chase-snapshots.js';
import { CycleReturns } from '../cycle-returns.js';
import { loadChaseInputs } from './load-chase-inputs.js';

export type ChaseAgencyOutcome = 'recorded' | 'already' | 'not-due';

/** One agency's step of a cycle: a scheduled step (its date) or one the coordinator asked for (`now-<version>`). */
export type AgencyChase = Omit<ChaseAgencyJob, 'cycleId'>;

interface Recording {
  streamId: string;
  version: ExpectedVersion;
  events: ChaseEvent[];
  step: string;
}

/** A job's chase as the rule's command: the job's kind only tells a requested chase from a scheduled one. */
const commandFor = ({ agencyId, step, kind }: AgencyChase): ChaseCommand =>
  kind === 'now'
    ? { type: 'ChaseOnRequest', agencyId, step }
    : { type: 'ChaseScheduledStep', agencyId, step };

/**
 * Records that agencies of a cycle are chased at a step, and to whom the mail goes: load, decideChase, append.
 * Deciding re-reads the events, so an agency that has submitted, been given more time or had its returns
 * withdrawn since the scan is not chased. Each append is at the chase stream's version as loaded, so a step is
 * recorded once however often this runs; the appends of one call commit together, so a conflict leaves nothing
 * half done for the retry.
 */
@Injectable()
export class ChaseAgency {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(ChaseSnapshots) private readonly snapshots: ChaseSnapshots,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WORKING_CALENDAR) private readonly calendar: WorkingCalendar,
  ) {}

  async execute(job: ChaseAgencyJob): Promise<ChaseAgencyOutcome> {
    const [outcome] = await this.executeMany(job.cycleId, [job]);
    return outcome;
  }

  /** Several agencies of one cycle: the cycle and every chase stream are read in one round trip. */
  async executeMany(cycleId: string, chases: readonly AgencyChase[]): Promise<ChaseAgencyOutcome[]> {
    const {
      snapshot,
      chases: streams,
      coordinators,
    } = await loadChaseInputs(
      this.snapshots,
      this.cycleReturns,
      cycleId,
      chases.map((c) => c.agencyId),
      chases.some((c) => c.kind !== 'now'),
    );
    const now = this.clock.now();
    const outcomes: ChaseAgencyOutcome[] = [];
    const recordings: Recording[] = [];
    const seen = new Set<string>();
    for (const chase of chases) {
      // One step per agency a call: a second one for the same stream would conflict with the first's append.
      if (seen.has(chase.agencyId)) {
        outcomes.push('already');
        continue;
      }
      seen.add(chase.agencyId);
      const stream = streams.get(chase.agencyId)!;
      const events = decideChase(
        commandFor(chase),
        { snapshot, chase: stream, coordinators, calendar: this.calendar },
        now,
      );
      if (events.length === 0) {
        outcomes.push(stream.chasedSteps.has(chase.step) ? 'already' : 'not-due');
        continue;
      }
      outcomes.push('recorded');
      recordings.push({
        streamId: chaseStreamId(cycleId, chase.agencyId),
        version: stream.version === 0 ? 'no_stream' : stream.version,
        events,
        step: chase.step,
      });
    }
    if (recordings.length > 0) {
      // One query for the recipients' keys for every stream, not one per append.
      await this.dataSource.transaction((manager) =>
        this.store.appendEach(
          recordings.map((r) => ({
            streamId: r.streamId,
            expectedVersion: r.version,
            events: r.events,
            metadata: { actorId: 'chase-scheduler', actorRole: 'system', correlationId: `chase-${r.step}` },
          })),
          { recordedAt: now },
          manager,
        ),
      );
    }
    return outcomes;
  }
}
