import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff accounts, sessions and API tokens. Credentials are not events: a password hash or a session must be
 * deletable, and events are forever. Every secret here is stored only as a hash.
 */
export class Auth1764000000300 implements MigrationInterface {
  name = 'Auth1764000000300';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE staff_accounts (
        staff_id uuid PRIMARY KEY,
        partnership_id text NOT NULL,
        email text NOT NULL,
        name text NOT NULL,
        role text NOT NULL CHECK (role IN ('coordinator', 'reviewer', 'viewer')),
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        disabled_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX staff_accounts_email ON staff_accounts (lower(email))`);
    await q.query(`
      CREATE TABLE sessions (
        session_hash text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('staff', 'link')),
        staff_id uuid REFERENCES staff_accounts ON DELETE CASCADE,
        link_id text,
        partnership_id text NOT NULL,
        agency_id text,
        cycle_id text,
        actor_id text NOT NULL,
        role text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX sessions_expires ON sessions (expires_at)`);
    await q.query(`
      CREATE TABLE api_tokens (
        token_hash text PRIMARY KEY,
        token_id uuid NOT NULL UNIQUE,
        staff_id uuid NOT NULL REFERENCES staff_accounts ON DELETE CASCADE,
        name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE link_failures (
        ip text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX link_failures_ip ON link_failures (ip, failed_at)`);
    // Submission links are found by the hash of their token, stored in the SubmissionLinkIssued event.
    await q.query(
      `CREATE INDEX events_submission_link_hash ON events ((data->>'tokenHash')) WHERE type = 'SubmissionLinkIssued'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX events_submission_link_hash');
    await q.query('DROP TABLE link_failures');
    await q.query('DROP TABLE api_tokens');
    await q.query('DROP TABLE sessions');
    await q.query('DROP TABLE staff_accounts');
  }
}
