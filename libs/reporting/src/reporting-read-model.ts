import { EntityManager } from 'typeorm';
import { EventStore, StoredEvent } from '../../event-store/src/index.js';
import type { ReadModel } from '../../projections/src/read-model.js';
import { CycleEvent } from '../../returns/src/cycle/cycle.events.js';
import { ReturnEvent } from '../../returns/src/return/return.events.js';
import { REPORTED_CYCLE_EVENTS } from './project-cycle/project-cycle.js';
import { reportedCycle } from './project-cycle/reported-cycle.js';
import { writeReportedCycles } from './project-cycle/write-reported-cycles.js';
import { REPORTED_RETURN_EVENTS } from './project-return/project-return.js';
import { reportedReturn } from './project-return/reported-return.js';
import { writeReportedReturns } from './project-return/write-reported-returns.js';
import { lockForRebuild } from './reporting-lock/reporting-lock.js';

const RETURN_TYPES = new Set<string>(REPORTED_RETURN_EVENTS);
const CYCLE_TYPES = new Set<string>(REPORTED_CYCLE_EVENTS);

/** The streams whose projection an event calls for: the same rule the outbox relay uses to enqueue jobs. */
export function reportingTargetOf(event: StoredEvent): { kind: 'return' | 'cycle'; id: string } | null {
  if (RETURN_TYPES.has(event.type) && event.streamId.startsWith('return:')) {
    return { kind: 'return', id: event.streamId.slice('return:'.length) };
  }
  if (CYCLE_TYPES.has(event.type) && event.streamId.startsWith('cycle:')) {
    return { kind: 'cycle', id: event.streamId.slice('cycle:'.length) };
  }
  return null;
}

/**
 * The reporting tables as one read model. published_reports is not among them: it holds the bytes each
 * publication handed out, written with its ReportPublished event, and a rebuild must never change those.
 */
export function reportingReadModel(store: EventStore): ReadModel {
  return {
    name: 'reporting',
    tables: ['report_cycles', 'report_requested_returns', 'report_returns'],
    lockForRebuild,
    async apply(events: readonly StoredEvent[], manager: EntityManager): Promise<void> {
      // Each projection folds its whole stream, so one fold per stream per batch gives the rows a job per event
      // would; the batch's streams are read in one query and its rows written in one statement per table.
      const returnStreams = new Set<string>();
      const cycleStreams = new Set<string>();
      for (const event of events) {
        const target = reportingTargetOf(event);
        if (target) (target.kind === 'return' ? returnStreams : cycleStreams).add(event.streamId);
      }
      if (returnStreams.size + cycleStreams.size === 0) return;
      const streams = await store.readStreams([...returnStreams, ...cycleStreams], {}, manager);
      const returns = [...returnStreams].flatMap((id) => {
        const reported = reportedReturn(streams.get(id) as StoredEvent<ReturnEvent>[]);
        return reported ? [reported] : [];
      });
      const cycles = [...cycleStreams].flatMap((id) => {
        const row = reportedCycle(streams.get(id) as StoredEvent<CycleEvent>[]);
        return row ? [row] : [];
      });
      await writeReportedReturns(manager, returns);
      await writeReportedCycles(manager, cycles);
    },
  };
}
