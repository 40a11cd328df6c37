import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { StaffRole } from './staff-role.js';

/**
 * A staff account (migrations Auth1764000000300, Chasing1764000000700, StaffEmailPerPartnership1765050000100,
 * BoardRole1765081400100).
 * The migrations own the schema; this maps it, and test/entities-match-schema proves the two agree. Emails are
 * compared with PostgreSQL's lower(), which is what the two expression indexes below serve.
 */
@Entity('staff_accounts')
@Index('staff_accounts_partnership_email', { synchronize: false })
@Index('staff_accounts_email', { synchronize: false })
@Check('staff_accounts_role_check', `role IN ('coordinator', 'reviewer', 'board', 'viewer')`)
export class StaffAccount {
  @PrimaryColumn({ name: 'staff_id', type: 'uuid', primaryKeyConstraintName: 'staff_accounts_pkey' })
  staffId: string;

  @Column({ name: 'partnership_id', type: 'text' })
  partnershipId: string;

  @Column({ name: 'email', type: 'text' })
  email: string;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'role', type: 'text' })
  role: StaffRole;

  /** argon2id. Never selected unless asked for by name (sign-in is the only reader), so it cannot leak. */
  @Column({ name: 'password_hash', type: 'text', select: false })
  passwordHash: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'disabled_at', type: 'timestamptz', nullable: true })
  disabledAt: Date | null;

  /** The themes a reviewer looks after; empty means every theme. */
  @Column({ name: 'theme_ids', type: 'text', array: true, default: () => "'{}'" })
  themeIds: string[];
}
