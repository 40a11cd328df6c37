import { Inject, Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';

/** A mail job an event owes: its deterministic id, its name and data (ids only), and the event's position. */
export interface OwedMailJob {
  jobId: string;
  name: string;
  data: object;
  eventPosition: number;
}

/**
 * What the events owe in mail, kept in PostgreSQL so Redis is never its only record. Mail is owed only where an
 * event causes a mail job (a cycle opened issues links, a chase names its recipients, a return submitted or sent
 * back notifies): a cycle whose events cause none, such as a past year recorded later, owes nothing. A row is
 * settled when its job has reached an outcome the ledger recorded (sent, failed for good) or found nothing owed
 * any more (a link revoked, a cycle closed, a chase no longer due).
 */
@Injectable()
export class OwedMails {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** In the outbox relay's transaction, beside its checkpoint: owed exactly when the event has been relayed. */
  async record(manager: EntityManager, jobs: readonly OwedMailJob[]): Promise<void> {
    if (jobs.length === 0) return;
    await manager.query(
      `INSERT INTO owed_mails (job_id, job_name, job_data, event_position)
       SELECT j.job_id, j.job_name, j.job_data, j.event_position
       FROM jsonb_to_recordset($1::jsonb) AS j(job_id text, job_name text, job_data jsonb, event_position bigint)
       ON CONFLICT (job_id) DO NOTHING`,
      [
        JSON.stringify(
          jobs.map((j) => ({
            job_id: j.jobId,
            job_name: j.name,
            job_data: j.data,
            event_position: j.eventPosition,
          })),
        ),
      ],
    );
  }

  /** Of these jobs, those not settled yet (recorded or not): what is still worth putting on the queue. */
  async stillOwed(jobIds: readonly string[]): Promise<Set<string>> {
    if (jobIds.length === 0) return new Set();
    const rows: { job_id: string }[] = await this.dataSource.query(
      `SELECT job_id FROM owed_mails WHERE job_id = ANY($1::text[]) AND settled_at IS NULL`,
      [jobIds],
    );
    return new Set(rows.map((r) => r.job_id));
  }

  /** Of these jobs, those whose mail reached an outcome that is not a failure (sent, or found sent). */
  async settledWell(jobIds: readonly string[]): Promise<Set<string>> {
    if (jobIds.length === 0) return new Set();
    const rows: { job_id: string }[] = await this.dataSource.query(
      `SELECT job_id FROM owed_mails
       WHERE job_id = ANY($1::text[]) AND settled_at IS NOT NULL
         AND outcome NOT LIKE 'failed%' AND outcome NOT LIKE '%"outcome":"failed"%'`,
      [jobIds],
    );
    return new Set(rows.map((r) => r.job_id));
  }

  /**
   * Whether any of these jobs is still owed and was first owed less than `ms` ago (by PostgreSQL's clock, which
   * wrote owed_at): a mail that young is not given up on for a temporary failure.
   */
  async owedWithin(jobIds: readonly string[], ms: number): Promise<boolean> {
    if (jobIds.length === 0) return false;
    const [{ young }]: { young: boolean }[] = await this.dataSource.query(
      `SELECT EXISTS (
         SELECT 1 FROM owed_mails
         WHERE job_id = ANY($1::text[]) AND settled_at IS NULL AND owed_at > now() - $2 * interval '1 millisecond'
       ) AS young`,
      [jobIds, ms],
    );
    return young;
  }

  async settle(jobId: string, outcome: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE owed_mails SET settled_at = now(), outcome = $2 WHERE job_id = $1 AND settled_at IS NULL`,
      [jobId, outcome.slice(0, 500)],
    );
  }

  /** settle() for many jobs, each with its own outcome, in one statement. */
  async settleMany(outcomes: readonly { jobId: string; outcome: string }[]): Promise<void> {
    if (outcomes.length === 0) return;
    await this.dataSource.query(
      `UPDATE owed_mails o SET settled_at = now(), outcome = s.outcome
       FROM unnest($1::text[], $2::text[]) AS s(job_id, outcome)
       WHERE o.job_id = s.job_id AND o.settled_at IS NULL`,
      [outcomes.map((o) => o.jobId), outcomes.map((o) => o.outcome.slice(0, 500))],
    );
  }

  /** Unsettled jobs after `afterJobId`, in id order, a page at a time. */
  async unsettled(afterJobId: string, limit: number): Promise<OwedMailJob[]> {
    const rows: { job_id: string; job_name: string; job_data: object; event_position: string }[] =
      await this.dataSource.query(
        `SELECT job_id, job_name, job_data, event_position FROM owed_mails
         WHERE settled_at IS NULL AND job_id > $1 ORDER BY job_id LIMIT $2`,
        [afterJobId, limit],
      );
    return rows.map((r) => ({
      jobId: r.job_id,
      name: r.job_name,
      data: r.job_data,
      eventPosition: Number(r.event_position),
    }));
  }
}
