import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../../../kernel/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { LiveCycle, LiveReturnState } from '../../../returns/src/index.js';
import { WORKING_CALENDAR } from '../calendar/calendar.provider.js';
import { localTime, windowOn } from '../calendar/send-window.js';
import { addDays, WorkingCalendar } from '../calendar/working-days.js';
import { asChaseEvents, ChaseEvent, chaseStreamId, StoredChaseEvent } from '../chase/chase.events.js';
import { isOutstanding, policyOf } from '../cycle-returns.js';
import { moreUrgent, PlannedStep, plannedSteps, stepsThrough } from '../schedule/chase-schedule.js';

/**
 * The planned chases of a cycle, from what is known of it: the policy's steps from the cycle's due date (each
 * with its send window), and for each agency its outstanding returns, its next step and the chases it had.
 */
export function chaseScheduleView(
  cycle: LiveCycle,
  returns: LiveReturnState[],
  chases: ReadonlyMap<string, StoredChaseEvent[]>,
  now: Date,
  calendar: WorkingCalendar,
) {
  const policy = policyOf(cycle);
  const window = policy.sendWindow;
  const withWindow = (s: PlannedStep) => {
    const { opens, closes } = windowOn(s.date, window);
    return { ...s, sendFrom: opens.toISOString(), sendUntil: closes.toISOString() };
  };
  const today = localTime(now, window.timeZone).date;
  const openedOn =
    cycle.status === 'drafted' ? null : localTime(new Date(cycle.openedAt), window.timeZone).date;
  const agencies = [...new Set(returns.map((r) => r.agencyId))].sort();
  return {
    cycleId: cycle.cycleId,
    status: cycle.status,
    dueDate: cycle.dueDate,
    policy,
    today,
    steps: plannedSteps(policy, cycle.dueDate, calendar).map(withWindow),
    thenEveryWorkingDays: policy.overdueEveryWorkingDays,
    agencies: agencies.map((agencyId) => {
      const outstanding = returns.filter((r) => r.agencyId === agencyId && isOutstanding(r));
      const next = new Map<string, PlannedStep>();
      for (const r of outstanding) {
        for (const s of stepsThrough(policy, r.dueDate, calendar, addDays(today, 90))) {
          if (s.date < today || (openedOn && s.date <= openedOn)) continue;
          const seen = next.get(s.date);
          next.set(s.date, seen ? { ...seen, kind: moreUrgent(seen.kind, s.kind) } : s);
        }
      }
      const upcoming = [...next.values()].sort((a, b) => a.date.localeCompare(b.date));
      const chased = (chases.get(agencyId) ?? []).flatMap((e) =>
        e.type === 'AgencyChased'
          ? [{ step: e.data.step, kind: e.data.kind, at: e.recordedAt.toISOString() }]
          : [],
      );
      return {
        agencyId,
        outstanding: outstanding.map((r) => ({ returnId: r.returnId, status: r.status, dueDate: r.dueDate })),
        nextStep: cycle.status === 'open' && upcoming[0] ? withWindow(upcoming[0]) : null,
        chased,
      };
    }),
  };
}

/** The chase schedule the API serves: reads the agencies' chase streams, then chaseScheduleView. */
@Injectable()
export class ChaseScheduleQuery {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(WORKING_CALENDAR) private readonly calendar: WorkingCalendar,
  ) {}

  async schedule(cycle: LiveCycle, returns: LiveReturnState[]) {
    const agencies = [...new Set(returns.map((r) => r.agencyId))];
    const streams = await this.store.readStreams<ChaseEvent>(
      agencies.map((a) => chaseStreamId(cycle.cycleId, a)),
    );
    const chases = new Map(
      agencies.map((a) => [a, asChaseEvents(streams.get(chaseStreamId(cycle.cycleId, a)) ?? [])]),
    );
    return chaseScheduleView(cycle, returns, chases, this.clock.now(), this.calendar);
  }
}
