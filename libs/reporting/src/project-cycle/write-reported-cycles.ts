import { EntityManager } from 'typeorm';
import { ReportedCycleRow } from './reported-cycle.js';

// Columns as arrays zipped back into rows by unnest(): one round trip for every cycle of a batch.
const UPSERT_CYCLES = `
  INSERT INTO report_cycles (cycle_id, partnership_id, plan_id, label, period_start, period_end, due_date, status,
    opened_at, closed_at, publications, last_published_at)
  SELECT c, p, pl, l, ps, pe, d, s, o::timestamptz, cl, n, lp
  FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],
    $9::text[], $10::timestamptz[], $11::integer[], $12::timestamptz[]) AS u(c, p, pl, l, ps, pe, d, s, o, cl, n, lp)
  ON CONFLICT (cycle_id) DO UPDATE SET label = EXCLUDED.label, period_start = EXCLUDED.period_start,
    period_end = EXCLUDED.period_end, due_date = EXCLUDED.due_date, status = EXCLUDED.status,
    opened_at = EXCLUDED.opened_at, closed_at = EXCLUDED.closed_at, publications = EXCLUDED.publications,
    last_published_at = EXCLUDED.last_published_at`;

/** Writes the report_cycles rows of several (distinct) cycles in one statement. */
export async function writeReportedCycles(
  manager: EntityManager,
  cycles: readonly ReportedCycleRow[],
): Promise<void> {
  if (cycles.length === 0) return;
  await manager.query(UPSERT_CYCLES, [
    cycles.map((c) => c.cycleId),
    cycles.map((c) => c.partnershipId),
    cycles.map((c) => c.planId),
    cycles.map((c) => c.label),
    cycles.map((c) => c.periodStart),
    cycles.map((c) => c.periodEnd),
    cycles.map((c) => c.dueDate),
    cycles.map((c) => c.status),
    cycles.map((c) => c.openedAt),
    cycles.map((c) => c.closedAt),
    cycles.map((c) => c.publications),
    cycles.map((c) => c.lastPublishedAt),
  ]);
}
