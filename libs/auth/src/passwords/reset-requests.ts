import { createHmac, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { returnedRows } from '../../../database/src/index.js';
import { EventStore, transactionally } from '../../../event-store/src/index.js';
import { issuePasswordLink } from './issue-password-link.js';

/** The address as reset_requests keeps it: an HMAC keyed with TOKEN_PEPPER, so a copy of the table names no one. */
export function resetRequestKey(pepper: string, email: string): string {
  return createHmac('sha256', pepper).update(`reset-request:${email.trim().toLowerCase()}`).digest('hex');
}

/**
 * Password resets owed: one row per request, written before the answer whatever the address (the same single
 * insert, so the answer's time tells nothing), and deleted in the transaction that issues its links. Whoever
 * deletes the row issues: the api right after answering, or the worker for a row an api left behind (killed before
 * it issued); a second taker's DELETE waits on the first and finds nothing, so a request is issued exactly once.
 */
export class ResetRequests {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly pepper: string,
  ) {}

  /** Records a request, in the request's own transaction when there is one (it then commits before the answer). */
  record(email: string): Promise<string> {
    const requestId = randomUUID();
    return transactionally(this.dataSource, async (m) => {
      await m.query(`INSERT INTO reset_requests (request_id, email_hmac) VALUES ($1, $2)`, [
        requestId,
        resetRequestKey(this.pepper, email),
      ]);
      return requestId;
    });
  }

  /**
   * Takes the request and issues a reset link to every enabled account of its address, in one transaction; how
   * many it issued, or null when it was gone (issued already, by the api or another worker).
   */
  async issue(requestId: string, now: Date): Promise<number | null> {
    return this.dataSource.transaction(async (m) => {
      const rows = returnedRows<{ email_hmac: string }>(
        await m.query(`DELETE FROM reset_requests WHERE request_id = $1 RETURNING email_hmac`, [requestId]),
      );
      if (rows.length === 0) return null;
      const staffIds = await this.accountsOf(m, rows[0].email_hmac);
      for (const staffId of staffIds)
        await issuePasswordLink(m, this.store, this.pepper, now, staffId, 'reset');
      return staffIds.length;
    });
  }

  /** Requests older than `graceMs`: left by an api that did not issue them (the api takes its own in milliseconds). */
  async overdue(graceMs: number): Promise<string[]> {
    const rows: { request_id: string }[] = await this.dataSource.query(
      `SELECT request_id FROM reset_requests WHERE requested_at < now() - make_interval(secs => $1)
        ORDER BY requested_at LIMIT 1000`,
      [graceMs / 1000],
    );
    return rows.map((r) => r.request_id);
  }

  /** How long until the oldest request left is older than `graceMs` (0 if it is already), or null if none is left. */
  async nextOverdueInMs(graceMs: number): Promise<number | null> {
    const [{ ms }] = (await this.dataSource.query(
      `SELECT greatest(0, extract(epoch FROM min(requested_at) + make_interval(secs => $1) - now()) * 1000)::float8
              AS ms
         FROM reset_requests`,
      [graceMs / 1000],
    )) as { ms: number | null }[];
    return ms;
  }

  /**
   * The enabled accounts whose address has this HMAC. The address is not kept, so every enabled account's is
   * keyed and compared: staff accounts are few (tens per partnership), and this runs only after the answer.
   */
  private async accountsOf(m: EntityManager, emailHmac: string): Promise<string[]> {
    const accounts: { staff_id: string; email: string }[] = await m.query(
      `SELECT staff_id, email FROM staff_accounts WHERE disabled_at IS NULL`,
    );
    return accounts.filter((a) => resetRequestKey(this.pepper, a.email) === emailHmac).map((a) => a.staff_id);
  }
}
