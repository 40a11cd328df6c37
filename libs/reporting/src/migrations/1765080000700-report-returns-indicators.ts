import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each approved return's indicator values (name and value, as the return holds them), so the report from the
 * read model shows value against target and the trend over earlier cycles without reading their streams. Rows
 * written before it start with none, as the returns they hold had none; a rebuild fills it either way.
 */
export class ReportReturnsIndicators1765080000700 implements MigrationInterface {
  name = 'ReportReturnsIndicators1765080000700';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE report_returns ADD COLUMN indicators jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE report_returns DROP COLUMN indicators`);
  }
}
