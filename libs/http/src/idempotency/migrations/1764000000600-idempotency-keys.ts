import { MigrationInterface, QueryRunner } from 'typeorm';

/** Idempotency keys: the first response to each (actor, key), replayed to retries for 24 hours. */
export class IdempotencyKeys1764000000600 implements MigrationInterface {
  name = 'IdempotencyKeys1764000000600';

  async up(q: QueryRunner): Promise<void> {
    // The primary key is what makes two concurrent requests with one key safe: only one insert wins.
    await q.query(`
      CREATE TABLE idempotency_keys (
        actor_key text NOT NULL,
        idempotency_key text NOT NULL,
        request_hash text NOT NULL,
        status smallint,
        headers jsonb,
        body text,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (actor_key, idempotency_key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE idempotency_keys');
  }
}
