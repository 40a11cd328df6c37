import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  /** The JSON body as sent, or null when there was none. */
  body: string | null;
}

export interface RecordedKey {
  requestHash: string;
  response: StoredResponse;
}

/** How long a request waits for another one holding its key (its transaction still open) before giving up. */
const TAKE_WAIT_MS = 3_000;

/**
 * The idempotency_keys table: one row per (actor, key) holding the first response, written in the same
 * transaction as the command's events. A row is never left "running": it commits with what it records.
 */
@Injectable()
export class IdempotencyStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** The response recorded for a key, or null when none is (yet, or any longer). */
  async find(actorKey: string, key: string, now: Date): Promise<RecordedKey | null> {
    const rows: { request_hash: string; status: number; headers: Record<string, string>; body: string }[] =
      await this.dataSource.query(
        `SELECT request_hash, status, headers, body FROM idempotency_keys
         WHERE actor_key = $1 AND idempotency_key = $2 AND expires_at > $3 AND status IS NOT NULL`,
        [actorKey, key, now],
      );
    if (rows.length === 0) return null;
    const [row] = rows;
    return {
      requestHash: row.request_hash,
      response: { status: row.status, headers: row.headers ?? {}, body: row.body },
    };
  }

  /**
   * Takes the key as the first statement of the command's transaction. While another request's transaction
   * holds the key this waits for it (up to TAKE_WAIT_MS, then PostgreSQL's lock timeout): false when that
   * request committed first. An expired row, or one a release before this one left without a response, is
   * taken over.
   */
  async take(
    manager: EntityManager,
    actorKey: string,
    key: string,
    requestHash: string,
    now: Date,
    expiresAt: Date,
  ): Promise<boolean> {
    // set_config in the same statement: the lock timeout is in force before the insert can wait (and lasts
    // only for this transaction), so the take costs one round trip.
    const taken: unknown[] = await manager.query(
      `WITH wait AS (SELECT set_config('lock_timeout', $6, true))
       INSERT INTO idempotency_keys (actor_key, idempotency_key, request_hash, created_at, expires_at)
       SELECT $1, $2, $3, $4, $5 FROM wait
       ON CONFLICT (actor_key, idempotency_key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status = NULL, headers = NULL, body = NULL,
             created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at <= EXCLUDED.created_at OR idempotency_keys.status IS NULL
       RETURNING 1`,
      [actorKey, key, requestHash, now, expiresAt, `${TAKE_WAIT_MS}ms`],
    );
    return taken.length > 0;
  }

  /** Records the response in the transaction that took the key, just before it commits. */
  async record(
    manager: EntityManager,
    actorKey: string,
    key: string,
    response: StoredResponse,
  ): Promise<void> {
    await manager.query(
      `UPDATE idempotency_keys SET status = $3, headers = $4, body = $5
       WHERE actor_key = $1 AND idempotency_key = $2`,
      [actorKey, key, response.status, JSON.stringify(response.headers), response.body],
    );
  }

  /** Records the response of a request that wrote nothing in a command transaction (so had nothing to join). */
  async recordAlone(
    actorKey: string,
    key: string,
    requestHash: string,
    now: Date,
    expiresAt: Date,
    response: StoredResponse,
  ): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO idempotency_keys
         (actor_key, idempotency_key, request_hash, status, headers, body, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (actor_key, idempotency_key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status = EXCLUDED.status, headers = EXCLUDED.headers,
             body = EXCLUDED.body, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at <= EXCLUDED.created_at OR idempotency_keys.status IS NULL`,
      [
        actorKey,
        key,
        requestHash,
        response.status,
        JSON.stringify(response.headers),
        response.body,
        now,
        expiresAt,
      ],
    );
  }

  async purgeExpired(now: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE expires_at <= $1`, [now]);
  }
}
