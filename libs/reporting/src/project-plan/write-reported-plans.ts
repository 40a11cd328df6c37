import { EntityManager } from 'typeorm';
import { ReportedAgencies } from './reported-agencies.js';
import { ReportedPlan } from './reported-plan.js';

// Each plan's (and partnership's) rows are replaced whole: a plan edit may retire, add or reorder any of them.
// Columns as arrays zipped back into rows by unnest(): one round trip per table for every plan of a batch.
const DELETE_THEMES = `
  DELETE FROM report_plan_themes t USING unnest($1::text[], $2::text[]) AS u(p, pl)
  WHERE t.partnership_id = u.p AND t.plan_id = u.pl`;
const INSERT_THEMES = `
  INSERT INTO report_plan_themes (partnership_id, plan_id, theme_id, title, position, removed)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::integer[], $6::boolean[])`;
const DELETE_MEASURES = `
  DELETE FROM report_plan_measures m USING unnest($1::text[], $2::text[]) AS u(p, pl)
  WHERE m.partnership_id = u.p AND m.plan_id = u.pl`;
const INSERT_MEASURES = `
  INSERT INTO report_plan_measures (partnership_id, plan_id, measure_ref, theme_id, text, position,
    lead_agency_id, retired)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::text[],
    $8::boolean[])`;
const DELETE_AGENCIES = `DELETE FROM report_agencies WHERE partnership_id = ANY($1::text[])`;
const INSERT_AGENCIES = `
  INSERT INTO report_agencies (partnership_id, agency_id, name, retired)
  SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::boolean[])`;

/** Writes the themes and measures of several (distinct) plans, replacing what the tables held of them. */
export async function writeReportedPlans(
  manager: EntityManager,
  plans: readonly ReportedPlan[],
): Promise<void> {
  if (plans.length === 0) return;
  const keys = [plans.map((p) => p.partnershipId), plans.map((p) => p.planId)];
  await manager.query(DELETE_THEMES, keys);
  await manager.query(DELETE_MEASURES, keys);
  const themes = plans.flatMap((p) => p.themes.map((t) => ({ p, t })));
  if (themes.length > 0)
    await manager.query(INSERT_THEMES, [
      themes.map(({ p }) => p.partnershipId),
      themes.map(({ p }) => p.planId),
      themes.map(({ t }) => t.themeId),
      themes.map(({ t }) => t.title),
      themes.map(({ t }) => t.position),
      themes.map(({ t }) => t.removed),
    ]);
  const measures = plans.flatMap((p) => p.measures.map((m) => ({ p, m })));
  if (measures.length > 0)
    await manager.query(INSERT_MEASURES, [
      measures.map(({ p }) => p.partnershipId),
      measures.map(({ p }) => p.planId),
      measures.map(({ m }) => m.measureRef),
      measures.map(({ m }) => m.themeId),
      measures.map(({ m }) => m.text),
      measures.map(({ m }) => m.position),
      measures.map(({ m }) => m.leadAgencyId),
      measures.map(({ m }) => m.retired),
    ]);
}

/** Writes the agencies of several (distinct) partnerships, replacing what the table held of them. */
export async function writeReportedAgencies(
  manager: EntityManager,
  partnerships: readonly ReportedAgencies[],
): Promise<void> {
  if (partnerships.length === 0) return;
  await manager.query(DELETE_AGENCIES, [partnerships.map((p) => p.partnershipId)]);
  const rows = partnerships.flatMap((p) => p.agencies.map((a) => ({ p, a })));
  if (rows.length === 0) return;
  await manager.query(INSERT_AGENCIES, [
    rows.map(({ p }) => p.partnershipId),
    rows.map(({ a }) => a.agencyId),
    rows.map(({ a }) => a.name),
    rows.map(({ a }) => a.retired),
  ]);
}
