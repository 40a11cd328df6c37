import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import type { Actor } from '../../../kernel/src/index.js';
import { StaffAccount } from '../staff/staff-account.entity.js';

/**
 * A session of a signed-in staff member or of a submission link's holder (migration Auth1764000000300). Found
 * by the SHA-256 of its id, which is handed out once.
 */
@Entity('sessions')
@Index('sessions_expires', ['expiresAt'])
@Check('sessions_kind_check', `kind IN ('staff', 'link')`)
export class Session {
  /**
   * SHA-256 of the secret. TypeORM selects a primary key whatever `select` says, so this table is only ever
   * written and matched by hash through the entity, never read into anything returned or logged.
   */
  @PrimaryColumn({ name: 'session_hash', type: 'text', primaryKeyConstraintName: 'sessions_pkey' })
  sessionHash: string;

  @Column({ name: 'kind', type: 'text' })
  kind: 'staff' | 'link';

  @Column({ name: 'staff_id', type: 'uuid', nullable: true })
  staffId: string | null;

  // An account's sessions go with it.
  @ManyToOne(() => StaffAccount, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'staff_id', foreignKeyConstraintName: 'sessions_staff_id_fkey' })
  staff?: StaffAccount;

  @Column({ name: 'link_id', type: 'text', nullable: true })
  linkId: string | null;

  @Column({ name: 'partnership_id', type: 'text' })
  partnershipId: string;

  @Column({ name: 'agency_id', type: 'text', nullable: true })
  agencyId: string | null;

  @Column({ name: 'cycle_id', type: 'text', nullable: true })
  cycleId: string | null;

  @Column({ name: 'actor_id', type: 'text' })
  actorId: string;

  @Column({ name: 'role', type: 'text' })
  role: Actor['role'];

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
