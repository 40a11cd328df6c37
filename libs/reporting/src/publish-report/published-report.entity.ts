import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The frozen bytes of one publication of a cycle's report (migration ReportingTables1764000000650), written in
 * the transaction of its ReportPublished event.
 */
@Entity('published_reports')
@Check('published_reports_publication_check', 'publication > 0')
@Check(
  'published_reports_redacted_check',
  '(body IS NULL) = (redaction_reason IS NOT NULL AND redacted_at IS NOT NULL AND reissued_as IS NOT NULL)',
)
export class PublishedReport {
  @PrimaryColumn({ name: 'cycle_id', type: 'text', primaryKeyConstraintName: 'published_reports_pkey' })
  cycleId: string;

  @PrimaryColumn({ name: 'publication', type: 'integer', primaryKeyConstraintName: 'published_reports_pkey' })
  publication: number;

  @Column({ name: 'partnership_id', type: 'text' })
  partnershipId: string;

  @Column({ name: 'content_hash', type: 'text' })
  contentHash: string;

  /** The report's JSON exactly as hashed and published; null once deleted for a redaction (see reissuedAs). */
  @Column({ name: 'body', type: 'text', nullable: true })
  body: string | null;

  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt: Date;

  @Column({ name: 'published_by', type: 'text' })
  publishedBy: string;

  /** The log's latest checkpoint digest when it was published (JSON, see LogDigest); null before the first. */
  @Column({ name: 'log_digest', type: 'text', nullable: true })
  logDigest: string | null;
  /** Why its bytes were deleted: a passage they held was redacted. */
  @Column({ name: 'redaction_reason', type: 'text', nullable: true })
  redactionReason: string | null;

  @Column({ name: 'redacted_at', type: 'timestamptz', nullable: true })
  redactedAt: Date | null;

  /** The publication that re-issued it redacted. */
  @Column({ name: 'reissued_as', type: 'integer', nullable: true })
  reissuedAs: number | null;
}
