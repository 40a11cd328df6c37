import { EntityManager } from 'typeorm';
import { EventStore, Sql } from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { Rag, RAGS } from '../../../returns/src/index.js';
import { readableApproval, UnreadablePart } from './readable-content.js';
import { KnownCycle, reportHeading } from './report-heading.js';
import { appendicesOf } from './report-input.from-events.js';
import { PastCycle, ReportedEvidence, ReportedReturn, ReportInput } from './report-input.js';

interface ReturnRow {
  return_id: string;
  measure_ref: string;
  theme_id: string;
  agency_id: string;
  withdrawn: boolean;
  // What the projection wrote; rows written before readableApproval existed may hold anything.
  rag: unknown;
  narrative: unknown;
  dot: unknown;
  comments: unknown;
  tables: unknown;
  case_studies: unknown;
  approved_by: unknown;
  approved_at: Date | null;
  stream_version: number | null;
  unreadable: UnreadablePart[] | null;
  indicators: unknown;
}

/**
 * The report's input now, from the reporting read model: the returns the cycle requested and their approved
 * versions, and the RAGs of the plan's earlier cycles. The plan and the agencies' names come from their
 * (short) streams, and so do the cycle's appendices.
 */
export async function reportInputFromReadModel(
  plans: PlanRepository,
  sql: Sql | EntityManager,
  cycle: KnownCycle,
  store: EventStore,
): Promise<ReportInput> {
  const heading = await reportHeading(plans, cycle);
  const rows: ReturnRow[] = await sql.query(
    `SELECT q.return_id, q.measure_ref, q.theme_id, q.agency_id, q.withdrawn, r.rag, r.narrative, r.dot,
       r.comments, r.tables, r.case_studies, r.approved_by, r.approved_at, r.stream_version, r.unreadable,
       r.indicators
     FROM report_requested_returns q LEFT JOIN report_returns r USING (return_id)
     WHERE q.cycle_id = $1`,
    [cycle.cycleId],
  );
  const returns = rows.map((row): ReportedReturn => ({
    returnId: row.return_id,
    measureRef: row.measure_ref,
    themeId: row.theme_id,
    agencyId: row.agency_id,
    withdrawn: row.withdrawn,
    approved: row.approved_at
      ? { ...approvalOf(row), at: row.approved_at, version: row.stream_version ?? 0 }
      : null,
  }));
  return {
    ...heading,
    returns,
    evidence: await evidenceOf(sql, cycle.cycleId),
    pastCycles: await pastCycles(sql, cycle),
    appendices: await appendicesOf(store, cycle.cycleId),
    asAt: null,
  };
}

/**
 * The approved version the read model stores in columns, through readableApproval like the events' (rows written
 * by an earlier release were not), with the parts the projection could not read beside what reading it again
 * finds: the same as the report from the events would show.
 */
function approvalOf(row: ReturnRow) {
  const readable = readableApproval({
    content: {
      rag: row.rag,
      narrative: row.narrative,
      dot: row.dot,
      comments: row.comments,
      tables: row.tables,
      caseStudies: row.case_studies,
      ...(row.indicators !== null && row.indicators !== undefined ? { indicators: row.indicators } : {}),
    },
    by: row.approved_by,
  });
  // What the projection found comes first, in its order; reading the columns again adds only what it did not
  // see (rows written before it existed), not its own account of a part already marked.
  const projected = row.unreadable ?? [];
  const marked = new Set(projected.map((p) => p.part));
  return {
    ...readable,
    unreadable: [...projected, ...readable.unreadable.filter((p) => !marked.has(p.part))],
  };
}

/** The files on the cycle's returns (report_evidence), in the order each return's were attached. */
async function evidenceOf(sql: Sql | EntityManager, cycleId: string): Promise<ReportedEvidence[]> {
  const rows: {
    return_id: string;
    evidence_id: string;
    measure_ref: string;
    agency_id: string;
    title: string;
    media_type: string;
    extension: string;
    bytes: string;
    in_report: boolean;
  }[] = await sql.query(
    `SELECT return_id, evidence_id, measure_ref, agency_id, title, media_type, extension, bytes, in_report
     FROM report_evidence WHERE cycle_id = $1
     ORDER BY return_id, attached_at, length(evidence_id), evidence_id`,
    [cycleId],
  );
  return rows.map((r) => ({
    returnId: r.return_id,
    evidenceId: r.evidence_id,
    measureRef: r.measure_ref,
    agencyId: r.agency_id,
    title: r.title,
    mediaType: r.media_type,
    extension: r.extension,
    bytes: Number(r.bytes),
    inReport: r.in_report,
  }));
}

async function pastCycles(sql: Sql | EntityManager, cycle: KnownCycle): Promise<PastCycle[]> {
  const cycles: { cycle_id: string; label: string; period_start: string; period_end: string }[] =
    await sql.query(
      `SELECT cycle_id, label, period_start, period_end FROM report_cycles
     WHERE partnership_id = $1 AND plan_id = $2 AND period_start < $3 AND status <> 'drafted' AND cycle_id <> $4
     ORDER BY period_start, cycle_id`,
      [cycle.partnershipId, cycle.planId, cycle.periodStart, cycle.cycleId],
    );
  const ratings: { cycle_id: string; measure_ref: string; rag: Rag | null; indicators: unknown }[] =
    await sql.query(
      `SELECT r.cycle_id, r.measure_ref, CASE WHEN r.rag = ANY($2::text[]) THEN r.rag END AS rag, r.indicators
       FROM report_returns r
       JOIN report_requested_returns q USING (return_id)
       WHERE r.cycle_id = ANY($1::text[]) AND NOT q.withdrawn
         AND (r.rag = ANY($2::text[]) OR r.indicators IS NOT NULL)`,
      [cycles.map((c) => c.cycle_id), RAGS],
    );
  const mine = (cycleId: string) => ratings.filter((r) => r.cycle_id === cycleId);
  return cycles.map((c) => ({
    cycleId: c.cycle_id,
    label: c.label,
    periodStart: c.period_start,
    periodEnd: c.period_end,
    ratings: new Map(mine(c.cycle_id).flatMap((r) => (r.rag ? [[r.measure_ref, r.rag]] : []))),
    // Read as the report reads a return's values: through readableApproval, so a bad row shows no value.
    values: new Map(
      mine(c.cycle_id).flatMap((r) => {
        const { indicators } = readableApproval({ content: { indicators: r.indicators }, by: '' }).content;
        return indicators?.length ? [[r.measure_ref, indicators]] : [];
      }),
    ),
  }));
}
