import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The parts of each approved return the report could not show as stored (readableApproval), beside its
 * columns, so the report from the read model marks them as the report from the events does. Rows written before
 * it start empty; the report reads their columns through readableApproval again, and a rebuild fills it.
 */
export class ReportReturnsUnreadable1765060000300 implements MigrationInterface {
  name = 'ReportReturnsUnreadable1765060000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE report_returns ADD COLUMN unreadable jsonb NOT NULL DEFAULT '[]'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE report_returns DROP COLUMN unreadable`);
  }
}
