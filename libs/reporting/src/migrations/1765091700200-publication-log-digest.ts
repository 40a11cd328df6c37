import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 17 point 1: each publication records the tamper-evident log's latest checkpoint digest (JSON, as
 * `npm run log:digest` prints it) and prints it in its colophon, so the digest is held outside the database by
 * everyone who has the report. Null for publications made before the log had a checkpoint.
 */
export class PublicationLogDigest1765091700200 implements MigrationInterface {
  name = 'PublicationLogDigest1765091700200';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE published_reports ADD COLUMN log_digest text');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE published_reports DROP COLUMN log_digest');
  }
}
