import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../config/src/index.js';
import { EventStore, NewEvent } from '../../../event-store/src/index.js';
import { ChaseAgencyJob } from '../../../queues/src/index.js';
import { WORKING_CALENDAR } from '../calendar/calendar.provider.js';
import { localTime } from '../calendar/send-window.js';
import { WorkingCalendar } from '../calendar/working-days.js';
import { asChaseEvents, chaseStreamId, ChaseStepKind } from '../chase/chase.events.js';
import { ChaseSnapshots } from '../chase-snapshot/chase-snapshots.js';
import { CycleReturns, isOutstanding, policyOf } from '../cycle-returns.js';
import { dueChase } from '../schedule/chase-schedule.js';

export type ChaseAgencyOutcome = 'recorded' | 'already' | 'not-due';

/**
 * Records that an agency is chased at a step, and to whom the mail goes. It re-checks the events first: an
 * agency that has submitted, been given more time or had its returns withdrawn since the scan is not chased.
 * The append is at the stream's expected version, so the same step is recorded once however often this runs.
 */
@Injectable()
export class ChaseAgency {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(ChaseSnapshots) private readonly snapshots: ChaseSnapshots,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WORKING_CALENDAR) private readonly calendar: WorkingCalendar,
  ) {}

  async execute(job: ChaseAgencyJob): Promise<ChaseAgencyOutcome> {
    const streamId = chaseStreamId(job.cycleId, job.agencyId);
    // The chase stream comes in the same round trip as the cycle.
    const read = await this.snapshots.of(job.cycleId, streamId);
    const history = asChaseEvents(read.events);
    if (history.some((e) => e.type === 'AgencyChased' && e.data.step === job.step)) return 'already';
    const { snapshot } = read;
    if (!snapshot.opened || snapshot.cycle.status !== 'open') return 'not-due';
    const { cycle, returns, partnership } = snapshot;
    const outstanding = returns.filter((r) => r.agencyId === job.agencyId && isOutstanding(r));
    if (outstanding.length === 0) return 'not-due';
    const policy = policyOf(cycle);
    const now = this.clock.now();
    let kind = job.kind as ChaseStepKind;
    if (kind !== 'now') {
      const tz = policy.sendWindow.timeZone;
      const due = dueChase(
        policy,
        this.calendar,
        localTime(now, tz).date,
        localTime(new Date(cycle.openedAt), tz).date,
        outstanding.map((r) => ({ returnId: r.returnId, dueDate: r.dueDate })),
      );
      if (!due || due.date !== job.step) return 'not-due';
      kind = due.kind;
    }
    const agency = partnership.status === 'registered' ? partnership.agencies.get(job.agencyId) : undefined;
    if (!agency) return 'not-due';
    const recipients = await this.cycleReturns.recipients(cycle.partnershipId, agency, kind === 'escalation');
    const returnIds = outstanding.map((r) => r.returnId);
    const events: NewEvent[] = [
      {
        type: 'AgencyChased',
        data: { cycleId: job.cycleId, agencyId: job.agencyId, step: job.step, kind, returnIds, recipients },
      },
    ];
    if (kind === 'escalation') {
      const to = recipients.filter((r) => r.role !== 'lead').map((r) => r.email);
      events.push({ type: 'ReturnEscalated', data: { step: job.step, returnIds, to } });
    }
    const version = history.length ? history[history.length - 1].version : 'no_stream';
    await this.store.append(
      streamId,
      version,
      events,
      { actorId: 'chase-scheduler', actorRole: 'system', correlationId: `chase-${job.step}` },
      { recordedAt: now },
    );
    return 'recorded';
  }
}
