import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When the retention run last ended: one row. The daily run is a BullMQ schedule, and a 03:15 that came with
 * Redis away or no worker up was skipped; a worker looks here to run it late instead of a day late (or a week).
 */
export class RetentionRuns1765250000100 implements MigrationInterface {
  name = 'RetentionRuns1765250000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE retention_runs (
        id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        last_ran_at timestamptz NOT NULL
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE retention_runs');
  }
}
