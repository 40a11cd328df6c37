import { EntityManager } from 'typeorm';
import { EventStore, StoredEvent } from '../../../event-store/src/index.js';
import { ReturnEvent, returnStreamId } from '../../../returns/src/return/return.events.js';
import { evolveReturn, initialReturn, ReturnState } from '../../../returns/src/return/return.state.js';

/**
 * Writes a return's approved version into the report. Idempotent and order-proof: it re-reads the stream and
 * only ever replaces a row with one derived from a later event, so a redelivered or late job changes nothing.
 */
export async function projectApprovedReturn(
  store: EventStore,
  manager: EntityManager,
  returnId: string,
): Promise<boolean> {
  const events = await store.readStream<ReturnEvent>(returnStreamId(returnId), {}, manager);
  let state: ReturnState = initialReturn();
  let approval: StoredEvent<ReturnEvent> | null = null;
  for (const event of events) {
    state = evolveReturn(state, { type: event.type, data: event.data } as ReturnEvent);
    if (event.type === 'ReturnApproved') approval = event;
  }
  if (state.status === 'none' || !state.approved || !approval) return false;
  const content = state.approved.content;
  const result: unknown[] = await manager.query(
    `INSERT INTO report_returns (return_id, cycle_id, partnership_id, plan_id, measure_ref, theme_id, agency_id, rag,
       narrative, dot, comments, tables, case_studies, approved_by, approved_at, stream_version, event_position)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (return_id) DO UPDATE SET
       agency_id = EXCLUDED.agency_id, rag = EXCLUDED.rag, narrative = EXCLUDED.narrative, dot = EXCLUDED.dot,
       comments = EXCLUDED.comments, tables = EXCLUDED.tables, case_studies = EXCLUDED.case_studies,
       approved_by = EXCLUDED.approved_by, approved_at = EXCLUDED.approved_at,
       stream_version = EXCLUDED.stream_version, event_position = EXCLUDED.event_position
     WHERE report_returns.event_position < EXCLUDED.event_position
     RETURNING return_id`,
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
  return result.length > 0;
}
