import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Throttles for guessable secrets (submission-link tokens, staff passwords): per counted thing, its failures in
 * the current window and its attempts still in flight, changed by single statements so that concurrent attempts
 * are counted exactly. Replaces link_failures, which was read before it was written (a burst got past it).
 */
export class AttemptThrottles1765040000100 implements MigrationInterface {
  name = 'AttemptThrottles1765040000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attempt_throttles (
        key_hash text PRIMARY KEY,
        kind text NOT NULL,
        window_started_at timestamptz NOT NULL,
        failures integer NOT NULL DEFAULT 0,
        in_flight integer NOT NULL DEFAULT 0
      )`);
    await q.query(`CREATE INDEX attempt_throttles_window ON attempt_throttles (window_started_at)`);
    await q.query('DROP TABLE link_failures');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE link_failures (
        ip text NOT NULL,
        failed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX link_failures_ip ON link_failures (ip, failed_at)`);
    await q.query('DROP TABLE attempt_throttles');
  }
}
