import { EntityManager } from 'typeorm';
import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { CycleEvent, cycleStreamId } from '../../../returns/src/cycle/cycle.events.js';
import { CycleState, evolveCycle, initialCycle } from '../../../returns/src/cycle/cycle.state.js';

/** The cycle events that change a report_cycles row; each one causes a projection job. */
export const REPORTED_CYCLE_EVENTS: readonly CycleEvent['type'][] = [
  'CycleDrafted',
  'CycleOpened',
  'CycleClosed',
  'ReportPublished',
];

/**
 * Writes one cycle's row of report_cycles (what trends across the cycles of a plan need). Like projectReturn it
 * re-reads the whole stream, so any number of deliveries in any order end in the same row.
 */
export async function projectCycle(
  store: EventStore,
  manager: EntityManager,
  cycleId: string,
): Promise<void> {
  const events = await store.readStream<CycleEvent>(cycleStreamId(cycleId), {}, manager);
  let state: CycleState = initialCycle();
  let closedAt: Date | null = null;
  let publications: StoredEvent<CycleEvent>[] = [];
  for (const event of events) {
    state = evolveCycle(state, { type: event.type, data: event.data } as CycleEvent);
    if (event.type === 'CycleClosed') closedAt = event.recordedAt;
    if (event.type === 'ReportPublished') publications = [...publications, event];
  }
  if (state.status === 'none') return;
  const lastPublished = publications[publications.length - 1];
  await manager.query(
    `INSERT INTO report_cycles (cycle_id, partnership_id, plan_id, label, period_start, period_end, due_date, status,
       opened_at, closed_at, publications, last_published_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (cycle_id) DO UPDATE SET label = EXCLUDED.label, period_start = EXCLUDED.period_start,
       period_end = EXCLUDED.period_end, due_date = EXCLUDED.due_date, status = EXCLUDED.status,
       opened_at = EXCLUDED.opened_at, closed_at = EXCLUDED.closed_at, publications = EXCLUDED.publications,
       last_published_at = EXCLUDED.last_published_at`,
    [
      state.cycleId,
      state.partnershipId,
      state.planId,
      state.label,
      state.periodStart,
      state.periodEnd,
      state.dueDate,
      state.status,
      'openedAt' in state ? state.openedAt : null,
      closedAt,
      publications.length,
      lastPublished?.recordedAt ?? null,
    ],
  );
}
