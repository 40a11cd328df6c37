import { EntityManager } from 'typeorm';
import { EventStore, StoredEvent } from '../../event-store/src/index.js';
import type { ReadModel } from '../../projections/src/index.js';
import { projectReportingBatch } from './project-batch/project-reporting-batch.js';
import { ProjectedStreams } from './project-batch/projected-streams.js';

/**
 * The checkpointed processor that keeps the reporting tables (apps/worker, ReportingProjection): its rows and
 * its checkpoint commit together, so nothing it owes lives only in Redis. Reporting jobs did that before, and a
 * Redis emptied while some waited lost those updates until a rebuild.
 */
export const REPORTING_PROCESSOR = 'reporting';

/** The tables the reporting processor keeps, which a rebuild builds anew. */
export const REPORTING_TABLES = [
  'report_cycles',
  'report_requested_returns',
  'report_returns',
  'report_evidence',
  'report_plan_themes',
  'report_plan_measures',
  'report_agencies',
];

/**
 * The reporting tables as one read model. published_reports is not among them: it holds the bytes each
 * publication handed out, written with its ReportPublished event, and a rebuild must never change those.
 */
export function reportingReadModel(store: EventStore): ReadModel {
  return {
    name: 'reporting',
    tables: REPORTING_TABLES,
    processor: REPORTING_PROCESSOR,
    // Its processor is the tables' only writer: the rebuild's swap keeps that processor's batches out.
    lockForRebuild: async () => undefined,
    apply: (events: readonly StoredEvent[], manager: EntityManager) =>
      projectReportingBatch(store, manager, events),
    // A return's later events were already read when its request was projected (the whole stream is read),
    // so a replay projects each return about once instead of once per reported event.
    replay() {
      const projected = new ProjectedStreams();
      return (events: readonly StoredEvent[], manager: EntityManager) =>
        projectReportingBatch(store, manager, events, projected);
    },
  };
}
