import { MigrationInterface, QueryRunner } from 'typeorm';

/** Single-use tokens mailed to set a password (an invitation, a reset), kept as SHA-256 only. */
export class PasswordTokens1765070000400 implements MigrationInterface {
  name = 'PasswordTokens1765070000400';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE password_tokens (
        token_hash text NOT NULL,
        token_id uuid NOT NULL,
        staff_id uuid NOT NULL,
        purpose text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        CONSTRAINT password_tokens_pkey PRIMARY KEY (token_hash),
        CONSTRAINT password_tokens_purpose_check CHECK (purpose IN ('invite', 'reset')),
        CONSTRAINT password_tokens_staff_id_fkey FOREIGN KEY (staff_id)
          REFERENCES staff_accounts (staff_id) ON DELETE CASCADE
      )`);
    await q.query(`CREATE INDEX password_tokens_staff ON password_tokens (staff_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE password_tokens');
  }
}
