import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a processor holds back. An event a processor fails on is parked (one row per held stream, with why and
 * how often it failed); it and every later event of its stream wait in held_events, in order, until the parked
 * event is applied on a retry or skipped, while every other stream goes on. Operators' retries and skips are
 * kept in processor_interventions: who, when, and what came of it; skipped_events lists what was skipped.
 */
export class ParkedEvents1765020000100 implements MigrationInterface {
  name = 'ParkedEvents1765020000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE parked_events (
        processor text NOT NULL,
        stream_id text NOT NULL,
        global_position bigint NOT NULL,
        version integer NOT NULL,
        event_type text NOT NULL,
        error text NOT NULL,
        attempts integer NOT NULL,
        first_failed_at timestamptz NOT NULL DEFAULT now(),
        last_failed_at timestamptz NOT NULL DEFAULT now(),
        next_attempt_at timestamptz,
        parked_at timestamptz,
        requested_action text CHECK (requested_action IN ('retry', 'skip')),
        intervention_id bigint,
        PRIMARY KEY (processor, stream_id),
        UNIQUE (processor, global_position),
        CHECK ((next_attempt_at IS NULL) <> (parked_at IS NULL))
      )`);
    await q.query(`
      CREATE TABLE held_events (
        processor text NOT NULL,
        global_position bigint NOT NULL,
        stream_id text NOT NULL,
        transaction_id xid8 NOT NULL,
        held_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (processor, global_position)
      )`);
    await q.query(
      `CREATE INDEX held_events_stream ON held_events (processor, stream_id, transaction_id, global_position)`,
    );
    await q.query(`
      CREATE TABLE processor_interventions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        processor text NOT NULL,
        stream_id text NOT NULL,
        global_position bigint NOT NULL,
        event_type text NOT NULL,
        action text NOT NULL CHECK (action IN ('retry', 'skip')),
        actor text NOT NULL,
        reason text,
        requested_at timestamptz NOT NULL DEFAULT now(),
        done_at timestamptz,
        outcome text
      )`);
    // Skipped for good: a processor's rebuild leaves these out too (see ReadModel.processor).
    await q.query(`
      CREATE TABLE skipped_events (
        processor text NOT NULL,
        global_position bigint NOT NULL,
        stream_id text NOT NULL,
        intervention_id bigint NOT NULL REFERENCES processor_interventions (id),
        skipped_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (processor, global_position)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE skipped_events');
    await q.query('DROP TABLE processor_interventions');
    await q.query('DROP TABLE held_events');
    await q.query('DROP TABLE parked_events');
  }
}
