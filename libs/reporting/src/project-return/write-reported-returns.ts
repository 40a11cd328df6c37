import { EntityManager } from 'typeorm';
import { ReportedReturn } from './reported-return.js';

// One statement for any number of returns: each column goes as one array and unnest() zips them back into rows,
// so a batch of a thousand returns costs one round trip instead of a thousand. Each return appears once.
const UPSERT_REQUESTED = `
  INSERT INTO report_requested_returns (return_id, cycle_id, partnership_id, measure_ref, theme_id, agency_id,
    withdrawn)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[])
  ON CONFLICT (return_id) DO UPDATE SET agency_id = EXCLUDED.agency_id, withdrawn = EXCLUDED.withdrawn`;

const UPSERT_APPROVED = `
  INSERT INTO report_returns (return_id, cycle_id, partnership_id, plan_id, measure_ref, theme_id, agency_id, rag,
    narrative, dot, comments, tables, case_studies, approved_by, approved_at, stream_version, event_position,
    unreadable, indicators)
  SELECT r, c, p, pl, m, t, a, rag, n, d, cm, tb::jsonb, cs::jsonb, b, at, v, pos, un::jsonb, ind::jsonb
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::timestamptz[],
    $16::integer[], $17::bigint[], $18::text[], $19::text[])
    AS u(r, c, p, pl, m, t, a, rag, n, d, cm, tb, cs, b, at, v, pos, un, ind)
  ON CONFLICT (return_id) DO UPDATE SET
    agency_id = EXCLUDED.agency_id, rag = EXCLUDED.rag, narrative = EXCLUDED.narrative, dot = EXCLUDED.dot,
    comments = EXCLUDED.comments, tables = EXCLUDED.tables, case_studies = EXCLUDED.case_studies,
    unreadable = EXCLUDED.unreadable, indicators = EXCLUDED.indicators, approved_by = EXCLUDED.approved_by, approved_at = EXCLUDED.approved_at,
    stream_version = EXCLUDED.stream_version, event_position = EXCLUDED.event_position`;

/**
 * Writes the report rows of several returns (distinct ones) in at most two statements: each return's row among
 * the requested ones and, once it has been approved, its last approved version.
 */
export async function writeReportedReturns(
  manager: EntityManager,
  returns: readonly ReportedReturn[],
): Promise<void> {
  if (returns.length === 0) return;
  const requested = returns.map((r) => r.requested);
  await manager.query(UPSERT_REQUESTED, [
    requested.map((r) => r.returnId),
    requested.map((r) => r.cycleId),
    requested.map((r) => r.partnershipId),
    requested.map((r) => r.measureRef),
    requested.map((r) => r.themeId),
    requested.map((r) => r.agencyId),
    requested.map((r) => r.withdrawn),
  ]);
  const approved = returns.flatMap((r) => (r.approved ? [r.approved] : []));
  if (approved.length === 0) return;
  await manager.query(UPSERT_APPROVED, [
    approved.map((a) => a.returnId),
    approved.map((a) => a.cycleId),
    approved.map((a) => a.partnershipId),
    approved.map((a) => a.planId),
    approved.map((a) => a.measureRef),
    approved.map((a) => a.themeId),
    approved.map((a) => a.agencyId),
    approved.map((a) => a.rag),
    approved.map((a) => a.narrative),
    approved.map((a) => a.dot),
    approved.map((a) => a.comments),
    approved.map((a) => a.tables),
    approved.map((a) => a.caseStudies),
    approved.map((a) => a.approvedBy),
    approved.map((a) => a.approvedAt),
    approved.map((a) => a.streamVersion),
    approved.map((a) => a.eventPosition),
    approved.map((a) => a.unreadable),
    approved.map((a) => a.indicators),
  ]);
}
