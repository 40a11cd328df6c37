import { EntityManager } from 'typeorm';
import { EventStore, StoredEvent } from '../../event-store/src/index.js';
import type { ReadModel } from '../../projections/src/read-model.js';
import { projectCycle, REPORTED_CYCLE_EVENTS } from './project-cycle/project-cycle.js';
import { projectReturn, REPORTED_RETURN_EVENTS } from './project-return/project-return.js';
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
      // Each projection re-reads its whole stream, so one run per stream per batch gives the same rows.
      const seen = new Set<string>();
      for (const event of events) {
        const target = reportingTargetOf(event);
        if (!target || seen.has(event.streamId)) continue;
        seen.add(event.streamId);
        if (target.kind === 'return') await projectReturn(store, manager, target.id);
        else await projectCycle(store, manager, target.id);
      }
    },
  };
}
