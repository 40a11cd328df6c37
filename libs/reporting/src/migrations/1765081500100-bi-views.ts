import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The only rows a BI role may see: those of the partnership bi_access binds its role to. A lookup by
 * current_user rather than a session setting, because a role can SET any custom setting it likes but cannot
 * change who it is; the view reads bi_access with its owner's rights, so the role needs none on it.
 */
const OWN_PARTNERSHIP = `(SELECT a.partnership_id FROM bi_access a WHERE a.role_name = current_user)`;

/** Read-model dates are stored as YYYY-MM-DD text; a value of another form reads as null, never as an error. */
const asDate = (column: string) =>
  `CASE WHEN ${column} ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' THEN ${column}::date END`;

/**
 * The BI feed (issue 15 point 4): views in schema `bi` over the report read models, with stable column names and
 * types for Power BI and Excel, and bi_access, the partnership each BI role reads. The views are security
 * barriers, so no condition a reader adds is evaluated before the partnership filter. They read only tables that
 * projections:rebuild truncates, never drops, so a rebuild leaves them standing.
 */
export class BiViews1765081500100 implements MigrationInterface {
  name = 'BiViews1765081500100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE bi_access (
        partnership_id text PRIMARY KEY,
        role_name text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        created_by text NOT NULL,
        rotated_at timestamptz NOT NULL,
        rotated_by text NOT NULL,
        version integer NOT NULL CHECK (version > 0)
      )`);
    await q.query(`CREATE SCHEMA bi`);
    await q.query(`REVOKE ALL ON SCHEMA bi FROM PUBLIC`);
    await q.query(`
      CREATE VIEW bi.cycles WITH (security_barrier = true) AS
      SELECT c.partnership_id, c.cycle_id, c.label AS cycle_label, c.plan_id,
        ${asDate('c.period_start')} AS period_start, ${asDate('c.period_end')} AS period_end,
        ${asDate('c.due_date')} AS due_date, c.status, c.opened_at, c.closed_at,
        c.publications, c.last_published_at
      FROM report_cycles c
      WHERE c.partnership_id = ${OWN_PARTNERSHIP}`);
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP SCHEMA bi CASCADE');
    await q.query('DROP TABLE bi_access');
  }
}
