import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, Unique } from 'typeorm';
import { StaffAccount } from '../staff/staff-account.entity.js';

/** A bearer token of a staff account (migration Auth1764000000300): only its SHA-256 is kept. */
@Entity('api_tokens')
@Unique('api_tokens_token_id_key', ['tokenId'])
export class ApiToken {
  /**
   * SHA-256 of the secret. TypeORM selects a primary key whatever `select` says, so this table is only ever
   * written and matched by hash through the entity, never read into anything returned or logged.
   */
  @PrimaryColumn({ name: 'token_hash', type: 'text', primaryKeyConstraintName: 'api_tokens_pkey' })
  tokenHash: string;

  @Column({ name: 'token_id', type: 'uuid' })
  tokenId: string;

  @Column({ name: 'staff_id', type: 'uuid' })
  staffId: string;

  // Disabling or deleting an account takes its tokens with it.
  @ManyToOne(() => StaffAccount, { onDelete: 'CASCADE', nullable: false })
  @JoinColumn({ name: 'staff_id', foreignKeyConstraintName: 'api_tokens_staff_id_fkey' })
  staff?: StaffAccount;

  @Column({ name: 'name', type: 'text' })
  name: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
