import { EntityManager } from 'typeorm';
import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { ReturnEvent, returnStreamId } from '../../../returns/src/return/return.events.js';
import { evolveReturn, initialReturn, ReturnState } from '../../../returns/src/return/return.state.js';

/** The return events that change what the report shows; each one causes a projection job. */
export const REPORTED_RETURN_EVENTS: readonly ReturnEvent['type'][] = [
  'ReturnRequested',
  'ReturnApproved',
  'ReturnReassigned',
  'ReturnWithdrawn',
];

/**
 * Writes what the report shows of one return: its row among the returns the cycle requested (current agency,
 * withdrawn or not) and, once it has ever been approved, its last approved version. An amendment being written
 * or reviewed changes neither, so a reopened return keeps showing its approved version until the next approval.
 *
 * It re-reads the whole stream and writes the rows that stream implies, so a redelivered, late or replayed job
 * converges on the same rows. Callers serialise it per return (see withReportingLock).
 */
export async function projectReturn(
  store: EventStore,
  manager: EntityManager,
  returnId: string,
): Promise<void> {
  const events = await store.readStream<ReturnEvent>(returnStreamId(returnId), {}, manager);
  let state: ReturnState = initialReturn();
  let approval: StoredEvent<ReturnEvent> | null = null;
  for (const event of events) {
    state = evolveReturn(state, { type: event.type, data: event.data } as ReturnEvent);
    if (event.type === 'ReturnApproved') approval = event;
  }
  if (state.status === 'none') return;
  await manager.query(
    `INSERT INTO report_requested_returns (return_id, cycle_id, partnership_id, measure_ref, theme_id, agency_id,
       withdrawn)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (return_id) DO UPDATE SET agency_id = EXCLUDED.agency_id, withdrawn = EXCLUDED.withdrawn`,
    [
      state.returnId,
      state.cycleId,
      state.partnershipId,
      state.measureRef,
      state.themeId,
      state.agencyId,
      state.status === 'withdrawn',
    ],
  );
  if (!state.approved || !approval) return;
  const content = state.approved.content;
  await manager.query(
    `INSERT INTO report_returns (return_id, cycle_id, partnership_id, plan_id, measure_ref, theme_id, agency_id, rag,
       narrative, dot, comments, tables, case_studies, approved_by, approved_at, stream_version, event_position)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (return_id) DO UPDATE SET
       agency_id = EXCLUDED.agency_id, rag = EXCLUDED.rag, narrative = EXCLUDED.narrative, dot = EXCLUDED.dot,
       comments = EXCLUDED.comments, tables = EXCLUDED.tables, case_studies = EXCLUDED.case_studies,
       approved_by = EXCLUDED.approved_by, approved_at = EXCLUDED.approved_at,
       stream_version = EXCLUDED.stream_version, event_position = EXCLUDED.event_position`,
    [
      state.returnId,
      state.cycleId,
      state.partnershipId,
      state.planId,
      state.measureRef,
      state.themeId,
      state.agencyId,
      content.rag ?? null,
      content.narrative ?? null,
      content.dot ?? null,
      content.comments ?? null,
      JSON.stringify(content.tables ?? []),
      JSON.stringify(content.caseStudies ?? []),
      state.approved.by,
      approval.recordedAt,
      approval.version,
      approval.globalPosition,
    ],
  );
}
