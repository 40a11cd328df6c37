import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';

/** How long one reason is told once: a burst of the same failure (SMTP away, say) is one line and a count. */
const QUIET_MS = 60_000;

/**
 * Tells the operator that a job's attempt failed and why, as a warning: BullMQ keeps the reason only on the job
 * in Redis, and counts a job as failed only after its last attempt, hours later with backoff, so a mistake such
 * as a TOKEN_PEPPER that differs between api and worker went unseen while the mail it stopped stayed owed. The
 * same reason is told once a minute, with how many more attempts failed for it meanwhile; no job data is logged
 * (it holds ids only, but the reason is what helps).
 */
export class JobFailures {
  private readonly told = new Map<string, { at: number; since: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  note(job: Pick<Job, 'name' | 'id' | 'attemptsMade' | 'opts'>, error: unknown): void {
    const reason = error instanceof Error ? error.message : String(error);
    const key = `${job.name}\u0000${reason}`;
    const at = this.now();
    const last = this.told.get(key);
    if (last && at - last.at < QUIET_MS) {
      last.since += 1;
      return;
    }
    const attempt = job.attemptsMade + 1;
    const attempts = job.opts.attempts ?? 1;
    const more = last?.since
      ? ` (and ${last.since} more attempts for the same reason since the last line)`
      : '';
    this.logger.warn(
      `${job.name} job ${job.id ?? '?'} failed, attempt ${attempt} of ${attempts}${attempt < attempts ? ', will retry' : ''}: ${reason}${more}`,
    );
    this.told.set(key, { at, since: 0 });
  }
}
