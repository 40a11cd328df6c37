import { EntityManager } from 'typeorm';
import { EventStore } from '../../../event-store/src/index.js';
import { CycleEvent, cycleStreamId } from '../../../returns/src/index.js';
import { reportedCycle } from './reported-cycle.js';
import { writeReportedCycles } from './write-reported-cycles.js';

/** The cycle events that change a report_cycles row; each one causes a projection job. */
export const REPORTED_CYCLE_EVENTS: readonly CycleEvent['type'][] = [
  'CycleDrafted',
  'CycleOpened',
  'CycleClosed',
  'ReportPublished',
];

/**
 * Writes one cycle's row of report_cycles. Like projectReturn it re-reads the whole stream, so any number of
 * deliveries in any order end in the same row.
 */
export async function projectCycle(
  store: EventStore,
  manager: EntityManager,
  cycleId: string,
): Promise<void> {
  const events = await store.readStream<CycleEvent>(cycleStreamId(cycleId), {}, manager);
  const row = reportedCycle(events);
  if (row) await writeReportedCycles(manager, [row]);
}
