import { EntityManager } from 'typeorm';
import { ReportedEvidenceRow } from './reported-evidence.js';

// The rows of a return are its files now: the return's rows go and its current files come back, so a removed
// file leaves the table and a replay converges on the same rows. One statement each for any number of returns.
const DELETE_RETURNS = `DELETE FROM report_evidence WHERE return_id = ANY($1::text[])`;
const INSERT_FILES = `
  INSERT INTO report_evidence (return_id, evidence_id, cycle_id, partnership_id, measure_ref, agency_id, title,
    file_name, media_type, extension, bytes, in_report, attached_at)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
    $8::text[], $9::text[], $10::text[], $11::bigint[], $12::boolean[], $13::timestamptz[])`;

/** Replaces the report_evidence rows of these returns (distinct ones) with the files they hold now. */
export async function writeReportedEvidence(
  manager: EntityManager,
  returnIds: readonly string[],
  rows: readonly ReportedEvidenceRow[],
): Promise<void> {
  if (returnIds.length === 0) return;
  await manager.query(DELETE_RETURNS, [[...returnIds]]);
  if (rows.length === 0) return;
  await manager.query(INSERT_FILES, [
    rows.map((r) => r.returnId),
    rows.map((r) => r.evidenceId),
    rows.map((r) => r.cycleId),
    rows.map((r) => r.partnershipId),
    rows.map((r) => r.measureRef),
    rows.map((r) => r.agencyId),
    rows.map((r) => r.title),
    rows.map((r) => r.fileName),
    rows.map((r) => r.mediaType),
    rows.map((r) => r.extension),
    rows.map((r) => r.bytes),
    rows.map((r) => r.inReport),
    rows.map((r) => r.attachedAt),
  ]);
}
