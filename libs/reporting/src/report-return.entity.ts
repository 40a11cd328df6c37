import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CaseStudy, ReturnTable } from '../../returns/src/index.js';
import type { UnreadablePart } from './cycle-report/readable-content.js';

@Entity({ name: 'report_returns' })
export class ReportReturn {
  @PrimaryColumn({ name: 'return_id', type: 'text' }) returnId: string;
  @Column({ name: 'cycle_id', type: 'text' }) cycleId: string;
  @Column({ name: 'partnership_id', type: 'text' }) partnershipId: string;
  @Column({ name: 'plan_id', type: 'text' }) planId: string;
  @Column({ name: 'measure_ref', type: 'text' }) measureRef: string;
  @Column({ name: 'theme_id', type: 'text' }) themeId: string;
  @Column({ name: 'agency_id', type: 'text' }) agencyId: string;
  @Column({ type: 'text', nullable: true }) rag: string | null;
  @Column({ type: 'text', nullable: true }) narrative: string | null;
  @Column({ type: 'text', nullable: true }) dot: string | null;
  @Column({ type: 'text', nullable: true }) comments: string | null;
  @Column({ type: 'jsonb' }) tables: ReturnTable[];
  @Column({ name: 'case_studies', type: 'jsonb' }) caseStudies: CaseStudy[];
  @Column({ type: 'jsonb' }) unreadable: UnreadablePart[];
  @Column({ name: 'approved_by', type: 'text' }) approvedBy: string;
  @Column({ name: 'approved_at', type: 'timestamptz' }) approvedAt: Date;
  @Column({ name: 'stream_version', type: 'integer' }) streamVersion: number;
  @Column({ name: 'event_position', type: 'bigint' }) eventPosition: string;
}
