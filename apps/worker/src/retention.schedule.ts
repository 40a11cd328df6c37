import { InjectQueue } from '@nestjs/bullmq';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Queue } from 'bullmq';
import { QUEUES } from '../../../libs/queues/src/index.js';
import { oneAtATime } from './one-at-a-time.js';

/** The daily retention run: on the chasing queue (the worker's queue for scheduled scans), by name. */
export const RETENTION_JOB = 'retention-run';
export const RETENTION_SCHEDULER_ID = 'retention-daily';
/** 03:15 UTC each day: after the night's chase scans, before anyone is at work. */
const DAILY = '15 3 * * *';

/**
 * The one Job Scheduler of the retention run, upserted at start-up by every worker under the same id (so one
 * schedule however many workers run), and put back if Redis comes back empty. The job carries no data: the run
 * works out what is due from PostgreSQL at the time it runs.
 */
@Injectable()
export class RetentionSchedule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RetentionSchedule');
  private timer: NodeJS.Timeout | null = null;

  constructor(@InjectQueue(QUEUES.chasing) private readonly queue: Queue) {}

  onApplicationBootstrap(): void {
    this.upsert().catch((error: Error) => this.logger.warn(`schedule not set yet: ${error.message}`));
    this.timer = setInterval(this.checkNow, 600_000);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Puts the schedule back if Redis has lost it: every 10 minutes, and at once when Redis came back empty. */
  readonly checkNow = oneAtATime(() =>
    this.restore().catch((error: Error) => this.logger.warn(`schedule not checked: ${error.message}`)),
  );

  private async restore(): Promise<void> {
    if (!(await this.queue.getJobScheduler(RETENTION_SCHEDULER_ID))) await this.upsert();
  }

  private upsert() {
    return this.queue.upsertJobScheduler(
      RETENTION_SCHEDULER_ID,
      { pattern: DAILY, tz: 'UTC' },
      { name: RETENTION_JOB, data: {}, opts: { removeOnComplete: 30, removeOnFail: 100 } },
    );
  }
}
