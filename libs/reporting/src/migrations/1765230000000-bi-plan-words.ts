import { MigrationInterface, QueryRunner } from 'typeorm';

/** The partnership a BI role reads, by who it is (see BiViews1765081500100). */
const OWN_PARTNERSHIP = `(SELECT a.partnership_id FROM bi_access a WHERE a.role_name = current_user)`;

/** Read-model dates are stored as YYYY-MM-DD text; a value of another form reads as null, never as an error. */
const asDate = (column: string) =>
  `CASE WHEN ${column} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN ${column}::date END`;

/** The plan's words of a row of `row` (partnership, theme, measure, agency), in the plan named by `planId`. */
const WORDS = `pt.title AS theme_title, pt.position AS theme_position,
        pm.text AS measure_text, pm.position AS measure_position, ag.name AS agency_name`;
const wordsOf = (row: string, planId: string) => `
      LEFT JOIN report_plan_themes pt ON pt.partnership_id = ${row}.partnership_id AND pt.plan_id = ${planId}
        AND pt.theme_id = ${row}.theme_id
      LEFT JOIN report_plan_measures pm ON pm.partnership_id = ${row}.partnership_id AND pm.plan_id = ${planId}
        AND pm.measure_ref = ${row}.measure_ref
      LEFT JOIN report_agencies ag ON ag.partnership_id = ${row}.partnership_id AND ag.agency_id = ${row}.agency_id`;

/**
 * The plan's words and order in the BI feed: a council officer's dashboards showed bare ids ("S1", "sevenoaks-csp")
 * and sorted measures as text ("1.10" before "1.2"), as the views carried neither the plan's order nor its words.
 * Three read-model tables, projected from the plan and partnership streams by the reporting processor and filled
 * by projections:rebuild like the others: the plan's themes and measures with their place in the printed
 * report's order, and the agencies' names (organisations; no contact's name or address is in them). The existing
 * views keep every column, in order and type (Power BI reports depend on them), and gain the words at their end;
 * bi.plan_measures is new. Every view is a security barrier filtered on the role's own partnership, and joins
 * the new tables on the partnership too.
 *
 * An existing database has plans whose events the reporting processor passed before it read plans: its
 * checkpoint is taken away, so it goes through the log again from the start and fills the new tables while the
 * api serves. Its batches write each stream's whole state (they read the whole stream), so going over events it
 * had projected rewrites the same rows; no operator has to remember a rebuild for the BI feed to have its words.
 */
export class BiPlanWords1765230000000 implements MigrationInterface {
  name = 'BiPlanWords1765230000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_plan_themes (
        partnership_id text NOT NULL,
        plan_id text NOT NULL,
        theme_id text NOT NULL,
        title text NOT NULL,
        position integer NOT NULL,
        removed boolean NOT NULL,
        PRIMARY KEY (partnership_id, plan_id, theme_id)
      )`);
    await q.query(`
      CREATE TABLE report_plan_measures (
        partnership_id text NOT NULL,
        plan_id text NOT NULL,
        measure_ref text NOT NULL,
        theme_id text NOT NULL,
        text text NOT NULL,
        position integer NOT NULL,
        lead_agency_id text,
        retired boolean NOT NULL,
        PRIMARY KEY (partnership_id, plan_id, measure_ref)
      )`);
    await q.query(`
      CREATE TABLE report_agencies (
        partnership_id text NOT NULL,
        agency_id text NOT NULL,
        name text NOT NULL,
        retired boolean NOT NULL,
        PRIMARY KEY (partnership_id, agency_id)
      )`);

    await q.query(`DELETE FROM processor_checkpoints WHERE name = 'reporting'`);

    await q.query(`
      CREATE OR REPLACE VIEW bi.returns WITH (security_barrier = true) AS
      SELECT q.partnership_id, q.cycle_id, q.return_id, q.measure_ref, q.theme_id, q.agency_id,
        CASE WHEN q.withdrawn THEN 'withdrawn' ELSE coalesce(s.status, 'requested') END AS status,
        s.due_date,
        (NOT q.withdrawn AND coalesce(s.status, 'requested') IN ('requested', 'draft')
          AND s.due_date < current_date) AS overdue,
        q.withdrawn, r.rag, r.dot, r.approved_at, r.stream_version AS approved_version,
        c.plan_id, ${WORDS}
      FROM report_requested_returns q
      LEFT JOIN return_status s ON s.return_id = q.return_id
      LEFT JOIN report_returns r ON r.return_id = q.return_id
      LEFT JOIN report_cycles c ON c.cycle_id = q.cycle_id${wordsOf('q', 'c.plan_id')}
      WHERE q.partnership_id = ${OWN_PARTNERSHIP}`);
    await q.query(`
      CREATE OR REPLACE VIEW bi.ratings WITH (security_barrier = true) AS
      SELECT r.partnership_id, r.cycle_id, c.label AS cycle_label,
        ${asDate('c.period_start')} AS period_start, ${asDate('c.period_end')} AS period_end,
        r.return_id, r.measure_ref, r.theme_id, r.agency_id, r.rag, r.dot, r.narrative, r.comments,
        r.approved_at, r.stream_version AS approved_version,
        r.plan_id, ${WORDS}
      FROM report_returns r
      LEFT JOIN report_cycles c ON c.cycle_id = r.cycle_id${wordsOf('r', 'r.plan_id')}
      WHERE r.partnership_id = ${OWN_PARTNERSHIP}`);
    await q.query(`
      CREATE OR REPLACE VIEW bi.agencies WITH (security_barrier = true) AS
      SELECT b.partnership_id, b.cycle_id, b.agency_id,
        count(*) FILTER (WHERE b.status <> 'withdrawn')::integer AS returns_requested,
        count(*) FILTER (WHERE b.status IN ('submitted', 'approved'))::integer AS returns_submitted,
        count(*) FILTER (WHERE b.status = 'approved')::integer AS returns_approved,
        count(*) FILTER (WHERE b.overdue)::integer AS returns_overdue,
        b.agency_name
      FROM bi.returns b
      GROUP BY b.partnership_id, b.cycle_id, b.agency_id, b.agency_name`);
    // A measure's words and place are those of the plan of the latest cycle that asked for it: a ref kept from
    // one plan to the next reads as the newer plan says.
    await q.query(`
      CREATE OR REPLACE VIEW bi.measures WITH (security_barrier = true) AS
      SELECT m.partnership_id, m.measure_ref, m.theme_id, m.cycles_asked, m.cycles_rated, m.latest_rag,
        w.theme_title, w.theme_position, w.measure_text, w.measure_position
      FROM (
        SELECT q.partnership_id, q.measure_ref, q.theme_id,
          count(*) FILTER (WHERE NOT q.withdrawn)::integer AS cycles_asked,
          count(r.rag)::integer AS cycles_rated,
          (SELECT l.rag FROM report_returns l JOIN report_cycles lc ON lc.cycle_id = l.cycle_id
            WHERE l.partnership_id = q.partnership_id AND l.measure_ref = q.measure_ref AND l.rag IS NOT NULL
            ORDER BY lc.period_start DESC, l.approved_at DESC LIMIT 1) AS latest_rag
        FROM report_requested_returns q
        LEFT JOIN report_returns r ON r.return_id = q.return_id
        WHERE q.partnership_id = ${OWN_PARTNERSHIP}
        GROUP BY q.partnership_id, q.measure_ref, q.theme_id
      ) m
      LEFT JOIN LATERAL (
        SELECT pt.title AS theme_title, pt.position AS theme_position,
          pm.text AS measure_text, pm.position AS measure_position
        FROM report_requested_returns lq
        JOIN report_cycles lc ON lc.cycle_id = lq.cycle_id
        JOIN report_plan_measures pm ON pm.partnership_id = lq.partnership_id AND pm.plan_id = lc.plan_id
          AND pm.measure_ref = lq.measure_ref
        LEFT JOIN report_plan_themes pt ON pt.partnership_id = lq.partnership_id AND pt.plan_id = lc.plan_id
          AND pt.theme_id = lq.theme_id
        WHERE lq.partnership_id = m.partnership_id AND lq.measure_ref = m.measure_ref
          AND lq.theme_id = m.theme_id
        ORDER BY lc.period_start DESC, lc.cycle_id DESC LIMIT 1
      ) w ON true`);
    await q.query(`
      CREATE VIEW bi.plan_measures WITH (security_barrier = true) AS
      SELECT pm.partnership_id, pm.plan_id, pm.theme_id, pt.title AS theme_title, pt.position AS theme_position,
        pm.measure_ref, pm.text AS measure_text, pm.position AS measure_position,
        pm.lead_agency_id, ag.name AS lead_agency_name, pm.retired
      FROM report_plan_measures pm
      LEFT JOIN report_plan_themes pt ON pt.partnership_id = pm.partnership_id AND pt.plan_id = pm.plan_id
        AND pt.theme_id = pm.theme_id
      LEFT JOIN report_agencies ag ON ag.partnership_id = pm.partnership_id AND ag.agency_id = pm.lead_agency_id
      WHERE pm.partnership_id = ${OWN_PARTNERSHIP}`);
    // Existing BI roles read the new view through the default privileges their set-up gave them; PUBLIC never.
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA bi FROM PUBLIC`);
  }

  /**
   * The views as BiViews1765081500100 made them: CREATE OR REPLACE cannot take columns off, so they are made
   * again, and existing BI roles read them again through their default privileges.
   */
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP VIEW bi.plan_measures`);
    await q.query(`DROP VIEW bi.agencies`);
    await q.query(`DROP VIEW bi.measures`);
    await q.query(`DROP VIEW bi.ratings`);
    await q.query(`DROP VIEW bi.returns`);
    await q.query(`
      CREATE VIEW bi.returns WITH (security_barrier = true) AS
      SELECT q.partnership_id, q.cycle_id, q.return_id, q.measure_ref, q.theme_id, q.agency_id,
        CASE WHEN q.withdrawn THEN 'withdrawn' ELSE coalesce(s.status, 'requested') END AS status,
        s.due_date,
        (NOT q.withdrawn AND coalesce(s.status, 'requested') IN ('requested', 'draft')
          AND s.due_date < current_date) AS overdue,
        q.withdrawn, r.rag, r.dot, r.approved_at, r.stream_version AS approved_version
      FROM report_requested_returns q
      LEFT JOIN return_status s ON s.return_id = q.return_id
      LEFT JOIN report_returns r ON r.return_id = q.return_id
      WHERE q.partnership_id = ${OWN_PARTNERSHIP}`);
    await q.query(`
      CREATE VIEW bi.ratings WITH (security_barrier = true) AS
      SELECT r.partnership_id, r.cycle_id, c.label AS cycle_label,
        ${asDate('c.period_start')} AS period_start, ${asDate('c.period_end')} AS period_end,
        r.return_id, r.measure_ref, r.theme_id, r.agency_id, r.rag, r.dot, r.narrative, r.comments,
        r.approved_at, r.stream_version AS approved_version
      FROM report_returns r
      LEFT JOIN report_cycles c ON c.cycle_id = r.cycle_id
      WHERE r.partnership_id = ${OWN_PARTNERSHIP}`);
    await q.query(`
      CREATE VIEW bi.agencies WITH (security_barrier = true) AS
      SELECT b.partnership_id, b.cycle_id, b.agency_id,
        count(*) FILTER (WHERE b.status <> 'withdrawn')::integer AS returns_requested,
        count(*) FILTER (WHERE b.status IN ('submitted', 'approved'))::integer AS returns_submitted,
        count(*) FILTER (WHERE b.status = 'approved')::integer AS returns_approved,
        count(*) FILTER (WHERE b.overdue)::integer AS returns_overdue
      FROM bi.returns b
      GROUP BY b.partnership_id, b.cycle_id, b.agency_id`);
    await q.query(`
      CREATE VIEW bi.measures WITH (security_barrier = true) AS
      SELECT q.partnership_id, q.measure_ref, q.theme_id,
        count(*) FILTER (WHERE NOT q.withdrawn)::integer AS cycles_asked,
        count(r.rag)::integer AS cycles_rated,
        (SELECT l.rag FROM report_returns l JOIN report_cycles lc ON lc.cycle_id = l.cycle_id
          WHERE l.partnership_id = q.partnership_id AND l.measure_ref = q.measure_ref AND l.rag IS NOT NULL
          ORDER BY lc.period_start DESC, l.approved_at DESC LIMIT 1) AS latest_rag
      FROM report_requested_returns q
      LEFT JOIN report_returns r ON r.return_id = q.return_id
      WHERE q.partnership_id = ${OWN_PARTNERSHIP}
      GROUP BY q.partnership_id, q.measure_ref, q.theme_id`);
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA bi FROM PUBLIC`);
    await q.query(`DROP TABLE report_agencies`);
    await q.query(`DROP TABLE report_plan_measures`);
    await q.query(`DROP TABLE report_plan_themes`);
  }
}
