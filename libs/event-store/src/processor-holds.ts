import { Sql } from './event-store-hooks.js';

/** The event a processor failed on: enough to find it again and to tell an operator what it is. */
export interface FailedEvent {
  globalPosition: number;
  streamId: string;
  version: number;
  type: string;
  transactionId: string;
}

/** How often a failing event is tried before it is parked, and how long it waits between tries. */
export interface RetryPolicy {
  /** Tries in all; the last failure parks the event (1: park at the first failure). */
  attempts: number;
  /** Wait before the second try; each later try waits twice as long, at most an hour. */
  retryDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ attempts: 5, retryDelayMs: 2_000 });

export interface ParkedRow {
  stream_id: string;
  global_position: string;
  event_type: string;
  attempts: number;
  parked: boolean;
  requested_action: 'retry' | 'skip' | null;
  intervention_id: string | null;
}

/** A failure as recorded: still to be tried again, or parked until an operator retries or skips it. */
export type FailureOutcome =
  { state: 'retrying'; attempts: number; nextAttemptInMs: number } | { state: 'parked'; attempts: number };

const MAX_DELAY_MS = 3_600_000;

/**
 * One processor's held streams in PostgreSQL, written only by the processor's active instance and always in the
 * transaction that also moves its checkpoint or applies what it releases, so nothing is held twice or lost.
 */
export class ProcessorHolds {
  constructor(
    private readonly processor: string,
    private readonly policy: RetryPolicy,
  ) {}

  /** The streams held now: their later events are held too, behind the parked one. */
  async heldStreams(sql: Sql): Promise<Set<string>> {
    const rows: { stream_id: string }[] = await sql.query(
      'SELECT stream_id FROM parked_events WHERE processor = $1',
      [this.processor],
    );
    return new Set(rows.map((r) => r.stream_id));
  }

  /** Keeps events back, to be applied in order when their stream is released. */
  async hold(events: readonly FailedEvent[], sql: Sql): Promise<void> {
    if (events.length === 0) return;
    await sql.query(
      `INSERT INTO held_events (processor, global_position, stream_id, transaction_id)
       SELECT $1, p, s, t::xid8 FROM unnest($2::bigint[], $3::text[], $4::text[]) AS h(p, s, t)
       ON CONFLICT DO NOTHING`,
      [
        this.processor,
        events.map((e) => e.globalPosition),
        events.map((e) => e.streamId),
        events.map((e) => e.transactionId),
      ],
    );
  }

  /**
   * Records that `event` failed for the `attempts`-th time, as the head of its held stream: it is tried again
   * after a delay that doubles each time, or parked once it has had every try the policy gives it.
   */
  async failed(event: FailedEvent, error: Error, attempts: number, sql: Sql): Promise<FailureOutcome> {
    const parked = attempts >= this.policy.attempts;
    const delayMs = Math.min(MAX_DELAY_MS, this.policy.retryDelayMs * 2 ** Math.min(attempts - 1, 30));
    await sql.query(
      `INSERT INTO parked_events AS p (processor, stream_id, global_position, version, event_type, error,
         attempts, next_attempt_at, parked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7,
         CASE WHEN $8 THEN NULL ELSE now() + make_interval(secs => $9::double precision / 1000) END,
         CASE WHEN $8 THEN now() END)
       ON CONFLICT (processor, stream_id) DO UPDATE SET
         first_failed_at = CASE WHEN p.global_position = EXCLUDED.global_position THEN p.first_failed_at
                                ELSE now() END,
         global_position = EXCLUDED.global_position, version = EXCLUDED.version,
         event_type = EXCLUDED.event_type, error = EXCLUDED.error, attempts = EXCLUDED.attempts,
         last_failed_at = now(), next_attempt_at = EXCLUDED.next_attempt_at, parked_at = EXCLUDED.parked_at,
         requested_action = NULL, intervention_id = NULL`,
      [
        this.processor,
        event.streamId,
        event.globalPosition,
        event.version,
        event.type,
        describe(error),
        attempts,
        parked,
        delayMs,
      ],
    );
    return parked ? { state: 'parked', attempts } : { state: 'retrying', attempts, nextAttemptInMs: delayMs };
  }

  /** Held streams whose parked event is due another try, or that an operator asked to retry or skip. */
  async due(sql: Sql): Promise<string[]> {
    const rows: { stream_id: string }[] = await sql.query(
      `SELECT stream_id FROM parked_events
       WHERE processor = $1 AND (requested_action IS NOT NULL OR next_attempt_at <= now())
       ORDER BY global_position LIMIT 20`,
      [this.processor],
    );
    return rows.map((r) => r.stream_id);
  }

  /** The parked event of a stream, locked until the transaction ends (the CLI and the page write requests). */
  async lock(streamId: string, sql: Sql): Promise<ParkedRow | null> {
    const rows: ParkedRow[] = await sql.query(
      `SELECT stream_id, global_position, event_type, attempts, parked_at IS NOT NULL AS parked,
              requested_action, intervention_id
       FROM parked_events WHERE processor = $1 AND stream_id = $2 FOR UPDATE`,
      [this.processor, streamId],
    );
    return rows[0] ?? null;
  }

  /** Every event held in a stream, oldest first: the parked one, then those that came after it. */
  async heldIn(streamId: string, sql: Sql): Promise<number[]> {
    const rows: { global_position: string }[] = await sql.query(
      `SELECT global_position FROM held_events WHERE processor = $1 AND stream_id = $2
       ORDER BY transaction_id, global_position`,
      [this.processor, streamId],
    );
    return rows.map((r) => Number(r.global_position));
  }

  /** Applied (or skipped): no longer held. */
  async release(positions: readonly number[], sql: Sql): Promise<void> {
    await sql.query(`DELETE FROM held_events WHERE processor = $1 AND global_position = ANY($2::bigint[])`, [
      this.processor,
      positions,
    ]);
  }

  /** Every held event of the stream went through: the stream flows again. */
  async unpark(streamId: string, sql: Sql): Promise<void> {
    await sql.query('DELETE FROM parked_events WHERE processor = $1 AND stream_id = $2', [
      this.processor,
      streamId,
    ]);
  }

  /** Skipped for good, on an operator's word: a rebuild of this processor's model leaves it out too. */
  async skipped(row: ParkedRow, sql: Sql): Promise<void> {
    await sql.query(
      `INSERT INTO skipped_events (processor, global_position, stream_id, intervention_id)
       VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [this.processor, row.global_position, row.stream_id, row.intervention_id],
    );
  }

  /** Which of these events an operator has skipped for this processor. */
  async skippedAmong(events: readonly FailedEvent[], sql: Sql): Promise<Set<number>> {
    const rows: { global_position: string }[] = await sql.query(
      `SELECT global_position FROM skipped_events WHERE processor = $1 AND global_position = ANY($2::bigint[])`,
      [this.processor, events.map((e) => e.globalPosition)],
    );
    return new Set(rows.map((r) => Number(r.global_position)));
  }

  async finishIntervention(id: string, outcome: string, sql: Sql): Promise<void> {
    await sql.query('UPDATE processor_interventions SET done_at = now(), outcome = $2 WHERE id = $1', [
      id,
      outcome,
    ]);
  }
}

/** The error as one line for an operator, with PostgreSQL's detail when it gives one; never unbounded. */
export function describe(error: Error): string {
  const detail = (error as { detail?: unknown }).detail;
  const text = typeof detail === 'string' && detail ? `${error.message} (${detail})` : error.message;
  return (text || error.name || 'unknown error').replace(/\s+/g, ' ').slice(0, 2000);
}
