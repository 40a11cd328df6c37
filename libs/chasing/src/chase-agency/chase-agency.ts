import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../../kernel/src/index.js';
import { EventStore, ExpectedVersion, NewEvent, StoredEvent } from '../../../event-store/src/index.js';
import { ChaseAgencyJob } from '../../../queues/src/index.js';
import { WORKING_CALENDAR } from '../calendar/calendar.provider.js';
import { localTime } from '../calendar/send-window.js';
import { WorkingCalendar } from '../calendar/working-days.js';
import { asChaseEvents, chaseStreamId, ChaseStepKind } from '../chase/chase.events.js';
import { ChaseSnapshot } from '../chase-snapshot/chase-snapshot.js';
import { ChaseSnapshots } from '../chase-snapshot/chase-snapshots.js';
import { CycleReturns, isOutstanding, policyOf } from '../cycle-returns.js';
import { dueChase } from '../schedule/chase-schedule.js';

export type ChaseAgencyOutcome = 'recorded' | 'already' | 'not-due';

/** One agency's step of a cycle: a scheduled step (its date) or one the coordinator asked for (`now-<version>`). */
export type AgencyChase = Omit<ChaseAgencyJob, 'cycleId'>;

interface Recording {
  streamId: string;
  version: ExpectedVersion;
  events: NewEvent[];
  step: string;
}

/**
 * Records that agencies of a cycle are chased at a step, and to whom the mail goes. It re-checks the events
 * first: an agency that has submitted, been given more time or had its returns withdrawn since the scan is not
 * chased. Each append is at the chase stream's expected version, so a step is recorded once however often this
 * runs; the appends of one call commit together, so a conflict leaves nothing half done for the retry.
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
    const streamIds = chases.map((c) => chaseStreamId(cycleId, c.agencyId));
    const { snapshot, events } = await this.snapshots.of(cycleId, streamIds);
    const now = this.clock.now();
    const outcomes: ChaseAgencyOutcome[] = [];
    const recordings: Recording[] = [];
    const seen = new Set<string>();
    for (const [i, chase] of chases.entries()) {
      // One step per agency a call: a second one for the same stream would conflict with the first's append.
      if (seen.has(streamIds[i])) {
        outcomes.push('already');
        continue;
      }
      seen.add(streamIds[i]);
      const decided = await this.decide(cycleId, chase, snapshot, events.get(streamIds[i])!, now);
      if (typeof decided === 'string') outcomes.push(decided);
      else {
        outcomes.push('recorded');
        recordings.push({ streamId: streamIds[i], step: chase.step, ...decided });
      }
    }
    if (recordings.length > 0) {
      await this.dataSource.transaction(async (manager) => {
        for (const r of recordings) {
          await this.store.append(
            r.streamId,
            r.version,
            r.events,
            { actorId: 'chase-scheduler', actorRole: 'system', correlationId: `chase-${r.step}` },
            { recordedAt: now },
            manager,
          );
        }
      });
    }
    return outcomes;
  }

  private async decide(
    cycleId: string,
    chase: AgencyChase,
    snapshot: ChaseSnapshot,
    stream: StoredEvent[],
    now: Date,
  ): Promise<Exclude<ChaseAgencyOutcome, 'recorded'> | Omit<Recording, 'streamId' | 'step'>> {
    const history = asChaseEvents(stream);
    if (history.some((e) => e.type === 'AgencyChased' && e.data.step === chase.step)) return 'already';
    if (!snapshot.opened || snapshot.cycle.status !== 'open') return 'not-due';
    const { cycle, returns, partnership } = snapshot;
    const outstanding = returns.filter((r) => r.agencyId === chase.agencyId && isOutstanding(r));
    if (outstanding.length === 0) return 'not-due';
    const policy = policyOf(cycle);
    let kind = chase.kind as ChaseStepKind;
    if (kind !== 'now') {
      const tz = policy.sendWindow.timeZone;
      const due = dueChase(
        policy,
        this.calendar,
        localTime(now, tz).date,
        localTime(new Date(cycle.openedAt), tz).date,
        outstanding.map((r) => ({ returnId: r.returnId, dueDate: r.dueDate })),
      );
      if (!due || due.date !== chase.step) return 'not-due';
      kind = due.kind;
    }
    const agency = partnership.status === 'registered' ? partnership.agencies.get(chase.agencyId) : undefined;
    if (!agency) return 'not-due';
    const recipients = await this.cycleReturns.recipients(cycle.partnershipId, agency, kind === 'escalation');
    const returnIds = outstanding.map((r) => r.returnId);
    const events: NewEvent[] = [
      {
        type: 'AgencyChased',
        data: { cycleId, agencyId: chase.agencyId, step: chase.step, kind, returnIds, recipients },
      },
    ];
    if (kind === 'escalation') {
      const to = recipients.filter((r) => r.role !== 'lead').map((r) => r.email);
      events.push({ type: 'ReturnEscalated', data: { step: chase.step, returnIds, to } });
    }
    return { version: history.length ? history[history.length - 1].version : 'no_stream', events };
  }
}
