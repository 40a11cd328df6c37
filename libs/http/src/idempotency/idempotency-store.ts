import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  /** The JSON body as sent, or null when there was none. */
  body: string | null;
}

export type KeyState =
  | { state: 'claimed' }
  | { state: 'running'; requestHash: string }
  | { state: 'done'; requestHash: string; response: StoredResponse }
  /** It went between our insert and our read (the first request failed and released it): try again. */
  | { state: 'gone' };

/** The idempotency_keys table: one row per (actor, key), claimed first, completed with the response. */
@Injectable()
export class IdempotencyStore {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /**
   * Claims the key for a request, or reports who has it. An expired row, or one whose request has been
   * running longer than `abandonedBefore` allows (its process died), is taken over.
   */
  async claim(
    actorKey: string,
    key: string,
    requestHash: string,
    now: Date,
    expiresAt: Date,
    abandonedBefore: Date,
  ): Promise<KeyState> {
    const claimed: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_keys (actor_key, idempotency_key, request_hash, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (actor_key, idempotency_key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status = NULL, headers = NULL, body = NULL,
             created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at
         WHERE idempotency_keys.expires_at <= EXCLUDED.created_at
            OR (idempotency_keys.status IS NULL AND idempotency_keys.created_at <= $6)
       RETURNING 1`,
      [actorKey, key, requestHash, now, expiresAt, abandonedBefore],
    );
    if (claimed.length > 0) return { state: 'claimed' };
    const rows: {
      request_hash: string;
      status: number | null;
      headers: Record<string, string>;
      body: string;
    }[] = await this.dataSource.query(
      `SELECT request_hash, status, headers, body FROM idempotency_keys
         WHERE actor_key = $1 AND idempotency_key = $2`,
      [actorKey, key],
    );
    if (rows.length === 0) return { state: 'gone' };
    const [row] = rows;
    return row.status === null
      ? { state: 'running', requestHash: row.request_hash }
      : {
          state: 'done',
          requestHash: row.request_hash,
          response: { status: row.status, headers: row.headers ?? {}, body: row.body },
        };
  }

  async complete(actorKey: string, key: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET status = $3, headers = $4, body = $5
       WHERE actor_key = $1 AND idempotency_key = $2`,
      [actorKey, key, response.status, JSON.stringify(response.headers), response.body],
    );
  }

  /** Lets the key go: the request failed, changed nothing, and a retry should run it afresh. */
  async release(actorKey: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE actor_key = $1 AND idempotency_key = $2 AND status IS NULL`,
      [actorKey, key],
    );
  }

  async purgeExpired(now: Date): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE expires_at <= $1`, [now]);
  }
}
