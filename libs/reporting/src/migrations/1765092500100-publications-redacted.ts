import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A publication whose bytes held a passage later redacted is re-issued as a new publication: the old one's
 * bytes are deleted (body NULL), and its row keeps its hash, why, when, and which publication replaced it.
 */
export class PublicationsRedacted1765092500100 implements MigrationInterface {
  name = 'PublicationsRedacted1765092500100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE published_reports
        ALTER COLUMN body DROP NOT NULL,
        ADD COLUMN redaction_reason text,
        ADD COLUMN redacted_at timestamptz,
        ADD COLUMN reissued_as integer,
        ADD CONSTRAINT published_reports_redacted_check
          CHECK ((body IS NULL) = (redaction_reason IS NOT NULL AND redacted_at IS NOT NULL AND reissued_as IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // A deleted publication has no bytes to put back: down keeps only publications that still have theirs.
    await q.query('DELETE FROM published_reports WHERE body IS NULL');
    await q.query(`
      ALTER TABLE published_reports
        DROP CONSTRAINT published_reports_redacted_check,
        DROP COLUMN redaction_reason,
        DROP COLUMN redacted_at,
        DROP COLUMN reissued_as,
        ALTER COLUMN body SET NOT NULL`);
  }
}
