import { StoredEvent } from '../../../event-store/src/index.js';
import { CycleEvent, CycleState, evolveCycle, initialCycle } from '../../../returns/src/index.js';

/** A cycle's row of report_cycles: what trends across the cycles of a plan need. */
export interface ReportedCycleRow {
  cycleId: string;
  partnershipId: string;
  planId: string;
  label: string;
  periodStart: string;
  periodEnd: string;
  dueDate: string;
  status: string;
  openedAt: string | null;
  closedAt: Date | null;
  publications: number;
  lastPublishedAt: Date | null;
}

/**
 * One cycle's report row, folded from its whole stream: null for a stream that never drafted a cycle, or drafted
 * one with no id (written straight into the log, never by a command): no report can name it, and the processors
 * that must have one park it instead (return-status).
 */
export function reportedCycle(events: readonly StoredEvent<CycleEvent>[]): ReportedCycleRow | null {
  let state: CycleState = initialCycle();
  let closedAt: Date | null = null;
  let publications = 0;
  let lastPublishedAt: Date | null = null;
  for (const event of events) {
    state = evolveCycle(state, { type: event.type, data: event.data } as CycleEvent);
    if (event.type === 'CycleClosed') closedAt = event.recordedAt;
    if (event.type === 'ReportPublished') {
      publications += 1;
      lastPublishedAt = event.recordedAt;
    }
  }
  if (state.status === 'none' || typeof state.cycleId !== 'string') return null;
  return {
    cycleId: state.cycleId,
    partnershipId: state.partnershipId,
    planId: state.planId,
    label: state.label,
    periodStart: state.periodStart,
    periodEnd: state.periodEnd,
    dueDate: state.dueDate,
    status: state.status,
    openedAt: 'openedAt' in state ? state.openedAt : null,
    closedAt,
    publications,
    lastPublishedAt,
  };
}
