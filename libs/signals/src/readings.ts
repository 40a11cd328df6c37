import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ParkedEvents } from '../../event-store/src/index.js';
import type { LedgerPrefix } from '../../mail/src/index.js';

/** The outbox relay's checkpoint name (apps/worker): the processor that turns events into jobs. */
export const RELAY = 'outbox-relay';

/**
 * How long the oldest event the relay has not passed has waited since it was recorded: 0 when it is caught up.
 * Only events behind the read fence count (a transaction still open is not late yet, it is not there).
 */
export async function relayLagSeconds(dataSource: DataSource): Promise<number> {
  const [row]: { lag: string | null }[] = await dataSource.query(
    `SELECT extract(epoch FROM clock_timestamp() - min(e.recorded_at)) AS lag
     FROM events e
     LEFT JOIN processor_checkpoints c ON c.name = $1
     WHERE (e.transaction_id, e.global_position) > (coalesce(c.transaction_id, '0'::xid8), coalesce(c.global_position, 0))
       AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())`,
    [RELAY],
  );
  return Math.max(0, Number(row?.lag ?? 0));
}

/**
 * The age of the oldest transaction open on the whole server. The processors' read fence is cluster-wide, so a
 * transaction left open in any database holds every processor back. A role without pg_read_all_stats (or
 * pg_monitor) sees only its own sessions' ages: grant it to the app's role for the whole picture.
 */
export async function oldestTransactionSeconds(dataSource: DataSource): Promise<number> {
  const [row]: { age: string | null }[] = await dataSource.query(
    `SELECT extract(epoch FROM clock_timestamp() - min(xact_start)) AS age
     FROM pg_stat_activity
     WHERE xact_start IS NOT NULL AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
  );
  return Math.max(0, Number(row?.age ?? 0));
}

export interface HeldCount {
  processor: string;
  state: 'parked' | 'retrying';
  count: number;
}

/**
 * Events each processor holds back, parked (waiting for an operator) or still being retried; every processor
 * with a checkpoint is named, with 0 when it holds none, so an alert on "parked > 0" has a series to read.
 */
export async function heldEvents(dataSource: DataSource): Promise<HeldCount[]> {
  const rows: { processor: string; parked: number; retrying: number }[] = await dataSource.query(
    `SELECT p.processor,
       count(h.processor) FILTER (WHERE h.parked_at IS NOT NULL)::int AS parked,
       count(h.processor) FILTER (WHERE h.processor IS NOT NULL AND h.parked_at IS NULL)::int AS retrying
     FROM (SELECT name AS processor FROM processor_checkpoints UNION SELECT processor FROM parked_events) p
     LEFT JOIN parked_events h ON h.processor = p.processor
     GROUP BY p.processor ORDER BY p.processor`,
  );
  return rows.flatMap((r) => [
    { processor: r.processor, state: 'parked' as const, count: r.parked },
    { processor: r.processor, state: 'retrying' as const, count: r.retrying },
  ]);
}

/** Events behind the read fence each processor has not passed yet. */
export async function processorsBehind(
  parked: ParkedEvents,
): Promise<{ processor: string; behind: number }[]> {
  return (await parked.positions()).map((p) => ({ processor: p.processor, behind: p.behind }));
}

export const JOB_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

export interface QueueDepth {
  queue: string;
  state: (typeof JOB_STATES)[number];
  count: number;
}

export async function queueDepths(queues: readonly Queue[]): Promise<QueueDepth[]> {
  const counts = await Promise.all(queues.map((q) => q.getJobCounts(...JOB_STATES)));
  return queues.flatMap((queue, i) =>
    JOB_STATES.map((state) => ({ queue: queue.name, state, count: counts[i][state] ?? 0 })),
  );
}

/** Every ledger's prefix: a new kind of mail must be added here to be counted (the compiler asks for it). */
const LEDGERS: Record<LedgerPrefix, true> = {
  Reminder: true,
  Notification: true,
  LinkMail: true,
  PasswordMail: true,
  Digest: true,
};
export const LEDGER_PREFIXES = Object.keys(LEDGERS) as LedgerPrefix[];

/**
 * sent: the SMTP server took it. retried: a temporary failure that will be tried again. failed: failed for good
 * (a permanent refusal, or temporary failures until attempts ran out). bounced: refused permanently by the SMTP
 * server (5xx), a subset of failed: the address or the mail is wrong, retrying cannot help.
 */
export const MAIL_OUTCOMES = ['sent', 'retried', 'failed', 'bounced'] as const;

export interface MailCount {
  kind: LedgerPrefix;
  outcome: (typeof MAIL_OUTCOMES)[number];
  count: number;
}

/**
 * Mail outcomes counted from the ledgers' events in PostgreSQL, so every api and worker process reports the same
 * totals and a restart loses none. The type list is written into the query (it is ours, never input) so the
 * partial index events_mail_outcomes serves it.
 */
export const MAIL_OUTCOME_TYPES = LEDGER_PREFIXES.flatMap((p) => [`${p}Sent`, `${p}DeliveryFailed`]);

export async function mailCounts(dataSource: DataSource): Promise<MailCount[]> {
  const rows: { type: string; sent: number; retried: number; failed: number; bounced: number }[] =
    await dataSource.query(
      `SELECT type,
         count(*) FILTER (WHERE type LIKE '%Sent')::int AS sent,
         count(*) FILTER (WHERE type LIKE '%DeliveryFailed' AND data->>'willRetry' = 'true')::int AS retried,
         count(*) FILTER (WHERE type LIKE '%DeliveryFailed' AND data->>'willRetry' = 'false')::int AS failed,
         count(*) FILTER (WHERE type LIKE '%DeliveryFailed' AND data->>'permanent' = 'true')::int AS bounced
       FROM events WHERE type IN (${MAIL_OUTCOME_TYPES.map((t) => `'${t}'`).join(', ')})
       GROUP BY type`,
    );
  return LEDGER_PREFIXES.flatMap((kind) =>
    MAIL_OUTCOMES.map((outcome) => ({
      kind,
      outcome,
      count: rows
        .filter((r) => r.type === `${kind}Sent` || r.type === `${kind}DeliveryFailed`)
        .reduce((sum, r) => sum + r[outcome], 0),
    })),
  );
}
