import { MigrationInterface, QueryRunner } from 'typeorm';

/** The reporting read model: one row per approved return, rebuilt from events at will. */
export class ReportReturns1764000000100 implements MigrationInterface {
  name = 'ReportReturns1764000000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_returns (
        return_id text PRIMARY KEY,
        cycle_id text NOT NULL,
        partnership_id text NOT NULL,
        plan_id text NOT NULL,
        measure_ref text NOT NULL,
        theme_id text NOT NULL,
        agency_id text NOT NULL,
        rag text,
        narrative text,
        dot text,
        comments text,
        tables jsonb NOT NULL DEFAULT '[]',
        case_studies jsonb NOT NULL DEFAULT '[]',
        approved_by text NOT NULL,
        approved_at timestamptz NOT NULL,
        stream_version integer NOT NULL,
        event_position bigint NOT NULL
      )`);
    await q.query(`CREATE INDEX report_returns_cycle ON report_returns (cycle_id, theme_id, measure_ref)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE report_returns');
  }
}
