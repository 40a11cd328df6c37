import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Clock, Actor, ANY_STAFF, DomainError, samePartnershipOr404 } from '../../../kernel/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { CurrentActor, Roles } from '../../../http/src/index.js';
import { WORKING_CALENDAR } from '../calendar/calendar.provider.js';
import { localTime, windowOn } from '../calendar/send-window.js';
import { addDays, WorkingCalendar } from '../calendar/working-days.js';
import { asChaseEvents, ChaseEvent, chaseStreamId } from '../chase/chase.events.js';
import { CycleReturns, isOutstanding, policyOf } from '../cycle-returns.js';
import { moreUrgent, PlannedStep, plannedSteps, stepsThrough } from '../schedule/chase-schedule.js';

/** The planned chases of a cycle: the policy's steps from the cycle's due date, and where each agency stands. */
@ApiTags('chasing')
@Controller('cycles/:cycleId')
export class ChaseScheduleHttp {
  constructor(
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WORKING_CALENDAR) private readonly calendar: WorkingCalendar,
  ) {}

  @Get('chase-schedule')
  @Roles(ANY_STAFF, 'Only staff see the chase schedule')
  @ApiOperation({ summary: 'The planned chase steps of a cycle, and each agency’s next one (staff)' })
  async schedule(@Param('cycleId') cycleId: string, @CurrentActor() actor: Actor) {
    const { cycle, returns } = await this.cycleReturns.load(cycleId);
    if (cycle.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
    samePartnershipOr404(actor, cycle.partnershipId, 'cycle', cycleId);
    const policy = policyOf(cycle);
    const window = policy.sendWindow;
    const withWindow = (s: PlannedStep) => {
      const { opens, closes } = windowOn(s.date, window);
      return { ...s, sendFrom: opens.toISOString(), sendUntil: closes.toISOString() };
    };
    const today = localTime(this.clock.now(), window.timeZone).date;
    const openedOn =
      cycle.status === 'drafted' ? null : localTime(new Date(cycle.openedAt), window.timeZone).date;
    const agencies = [...new Set(returns.map((r) => r.agencyId))].sort();
    const chaseStreams = await this.store.readStreams<ChaseEvent>(
      agencies.map((a) => chaseStreamId(cycleId, a)),
    );
    return {
      cycleId,
      status: cycle.status,
      dueDate: cycle.dueDate,
      policy,
      today,
      steps: plannedSteps(policy, cycle.dueDate, this.calendar).map(withWindow),
      thenEveryWorkingDays: policy.overdueEveryWorkingDays,
      agencies: agencies.map((agencyId) => {
        const outstanding = returns.filter((r) => r.agencyId === agencyId && isOutstanding(r));
        const next = new Map<string, PlannedStep>();
        for (const r of outstanding) {
          for (const s of stepsThrough(policy, r.dueDate, this.calendar, addDays(today, 90))) {
            if (s.date < today || (openedOn && s.date <= openedOn)) continue;
            const seen = next.get(s.date);
            next.set(s.date, seen ? { ...seen, kind: moreUrgent(seen.kind, s.kind) } : s);
          }
        }
        const upcoming = [...next.values()].sort((a, b) => a.date.localeCompare(b.date));
        const chased = asChaseEvents(chaseStreams.get(chaseStreamId(cycleId, agencyId)) ?? []).flatMap((e) =>
          e.type === 'AgencyChased'
            ? [{ step: e.data.step, kind: e.data.kind, at: e.recordedAt.toISOString() }]
            : [],
        );
        return {
          agencyId,
          outstanding: outstanding.map((r) => ({
            returnId: r.returnId,
            status: r.status,
            dueDate: r.dueDate,
          })),
          nextStep: cycle.status === 'open' && upcoming[0] ? withWindow(upcoming[0]) : null,
          chased,
        };
      }),
    };
  }
}
