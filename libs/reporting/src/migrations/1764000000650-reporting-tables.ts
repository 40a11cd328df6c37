import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The rest of the reporting read model beside report_returns: the cycles (for trends across cycles of a plan)
 * and every return a cycle requested (current agency, withdrawn or not), both rebuilt from events at will;
 * and published_reports, the frozen bytes of each publication, written in the ReportPublished transaction.
 */
export class ReportingTables1764000000650 implements MigrationInterface {
  name = 'ReportingTables1764000000650';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_cycles (
        cycle_id text PRIMARY KEY,
        partnership_id text NOT NULL,
        plan_id text NOT NULL,
        label text NOT NULL,
        period_start text NOT NULL,
        period_end text NOT NULL,
        due_date text NOT NULL,
        status text NOT NULL,
        opened_at timestamptz,
        closed_at timestamptz,
        publications integer NOT NULL DEFAULT 0,
        last_published_at timestamptz
      )`);
    await q.query(`CREATE INDEX report_cycles_plan ON report_cycles (partnership_id, plan_id, period_start)`);
    await q.query(`
      CREATE TABLE report_requested_returns (
        return_id text PRIMARY KEY,
        cycle_id text NOT NULL,
        partnership_id text NOT NULL,
        measure_ref text NOT NULL,
        theme_id text NOT NULL,
        agency_id text NOT NULL,
        withdrawn boolean NOT NULL
      )`);
    await q.query(`CREATE INDEX report_requested_returns_cycle ON report_requested_returns (cycle_id)`);
    await q.query(`CREATE INDEX report_returns_measure ON report_returns (plan_id, measure_ref)`);
    await q.query(`
      CREATE TABLE published_reports (
        cycle_id text NOT NULL,
        publication integer NOT NULL CHECK (publication > 0),
        partnership_id text NOT NULL,
        content_hash text NOT NULL,
        body text NOT NULL,
        published_at timestamptz NOT NULL,
        published_by text NOT NULL,
        PRIMARY KEY (cycle_id, publication)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE published_reports');
    await q.query('DROP INDEX report_returns_measure');
    await q.query('DROP TABLE report_requested_returns');
    await q.query('DROP TABLE report_cycles');
  }
}
