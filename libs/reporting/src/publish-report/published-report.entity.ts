import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The frozen bytes of one publication of a cycle's report (migration ReportingTables1764000000650), written in
 * the transaction of its ReportPublished event.
 */
@Entity('published_reports')
@Check('published_reports_publication_check', 'publication > 0')
export class PublishedReport {
  @PrimaryColumn({ name: 'cycle_id', type: 'text', primaryKeyConstraintName: 'published_reports_pkey' })
  cycleId: string;

  @PrimaryColumn({ name: 'publication', type: 'integer', primaryKeyConstraintName: 'published_reports_pkey' })
  publication: number;

  @Column({ name: 'partnership_id', type: 'text' })
  partnershipId: string;

  @Column({ name: 'content_hash', type: 'text' })
  contentHash: string;

  /** The report's JSON exactly as hashed and published. */
  @Column({ name: 'body', type: 'text' })
  body: string;

  @Column({ name: 'published_at', type: 'timestamptz' })
  publishedAt: Date;

  @Column({ name: 'published_by', type: 'text' })
  publishedBy: string;

  /** The log's latest checkpoint digest when it was published (JSON, see LogDigest); null before the first. */
  @Column({ name: 'log_digest', type: 'text', nullable: true })
  logDigest: string | null;
}
