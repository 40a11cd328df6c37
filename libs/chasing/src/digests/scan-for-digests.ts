import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { digestMailJob, OutboxJob } from '../../../queues/src/index.js';
import { closedWindowsSpan } from './digest-window.js';

/**
 * Which digests are owed at `now`: one job per partnership and closed window in which its returns received a
 * submission or a message on their conversation (within the catch-up span). Read from the events alone; the job decides who gets what, so finding
 * the same window again on the next scan is harmless (the caller records and enqueues only what is unsettled).
 */
@Injectable()
export class ScanForDigests {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(now: Date): Promise<OutboxJob[]> {
    const interval = this.config.mail.digestIntervalMs;
    const span = closedWindowsSpan(await this.settledBefore(now), interval);
    // The partnership is in the return's first event (ReturnRequested); a message's stream is the return's
    // conversation, so it is joined through the returnId it carries. The window is counted from the epoch.
    const rows: { partnership_id: string; window_start: string }[] = await this.dataSource.query(
      `SELECT DISTINCT r.data->>'partnershipId' AS partnership_id,
              (floor(extract(epoch FROM s.recorded_at) * 1000 / $3) * $3)::bigint::text AS window_start
       FROM events s JOIN events r ON r.version = 1 AND r.stream_id = CASE s.type
           WHEN 'ReturnMessagePosted' THEN 'return:' || (s.data->>'returnId') ELSE s.stream_id END
       WHERE s.type IN ('ReturnSubmitted', 'ReturnMessagePosted')
         AND s.recorded_at >= $1 AND s.recorded_at < $2
         AND r.data->>'partnershipId' IS NOT NULL`,
      [span.start.toISOString(), span.end.toISOString(), interval],
    );
    return rows
      .map((r) => ({ partnershipId: r.partnership_id, start: Number(r.window_start) }))
      .sort((a, b) => a.start - b.start || a.partnershipId.localeCompare(b.partnershipId))
      .map((r) =>
        digestMailJob({
          partnershipId: r.partnershipId,
          windowStart: new Date(r.start).toISOString(),
          windowEnd: new Date(r.start + interval).toISOString(),
        }),
      );
  }

  /**
   * An event's recorded_at is its transaction's start, so a transaction that began before a window closed may
   * still commit a submission or a message into it. A window counts as closed only once every transaction of this database
   * that started before its end has ended; otherwise its digest could go out without that submission, and no
   * later digest would carry it.
   */
  private async settledBefore(now: Date): Promise<Date> {
    // Counted as an age on PostgreSQL's own clock, so a worker whose clock differs from the server's still
    // holds back exactly as long as the transaction has been open.
    const [row]: { age_ms: string | null }[] = await this.dataSource.query(
      `SELECT (extract(epoch FROM clock_timestamp() - min(xact_start)) * 1000)::bigint::text AS age_ms
       FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL`,
    );
    const age = Math.max(0, Number(row?.age_ms ?? 0));
    return new Date(now.getTime() - age);
  }
}
