import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { StaffAccount } from '../staff/staff-account.entity.js';
import type { PasswordTokenPurpose } from './password-token.js';

/**
 * A mailed set-password token (migration PasswordTokens1765070000400): only its SHA-256 is kept, and it is
 * marked used the moment it sets a password.
 */
@Entity('password_tokens')
@Index('password_tokens_staff', ['staffId'])
@Check('password_tokens_purpose_check', `purpose IN ('invite', 'reset')`)
export class PasswordToken {
  @PrimaryColumn({ name: 'token_hash', type: 'text', primaryKeyConstraintName: 'password_tokens_pkey' })
  tokenHash: string;

  /** Names the mail in the mail ledger, so the token itself is never recorded there. */
  @Column({ name: 'token_id', type: 'uuid' })
  tokenId: string;

  @Column({ name: 'staff_id', type: 'uuid' })
  staffId: string;

  @ManyToOne(() => StaffAccount, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'staff_id', foreignKeyConstraintName: 'password_tokens_staff_id_fkey' })
  staff?: StaffAccount;

  @Column({ name: 'purpose', type: 'text' })
  purpose: PasswordTokenPurpose;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;
}
