import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The files on each return as the report and its exports list them (issue 16): the title, type and size, and
 * whether the coordinator chose to list it in the report. Never the bytes or where they are stored. Projected
 * from the evidence streams beside the return's own; a rebuild fills it from the events.
 */
export class ReportEvidence1765091600100 implements MigrationInterface {
  name = 'ReportEvidence1765091600100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE report_evidence (
        return_id text NOT NULL,
        evidence_id text NOT NULL,
        cycle_id text NOT NULL,
        partnership_id text NOT NULL,
        measure_ref text NOT NULL,
        agency_id text NOT NULL,
        title text NOT NULL,
        file_name text NOT NULL,
        media_type text NOT NULL,
        extension text NOT NULL,
        bytes bigint NOT NULL,
        in_report boolean NOT NULL,
        attached_at timestamptz NOT NULL,
        PRIMARY KEY (return_id, evidence_id)
      )`);
    await q.query(`CREATE INDEX report_evidence_by_cycle ON report_evidence (cycle_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE report_evidence`);
  }
}
