import { InjectQueue } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import { Clock } from '../../../libs/kernel/src/index.js';
import { QUEUES } from '../../../libs/queues/src/index.js';
import { RetentionRun } from '../../../libs/returns/src/index.js';
import { oneAtATime } from './one-at-a-time.js';
import { PeriodicJob } from './periodic-run.js';

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

/**
 * The run the schedule missed: a 03:15 with Redis away, or no worker up, was skipped until the next, and what was
 * due then erased a day late (a week, for a worker down a week). At start and every 10 minutes each worker runs it
 * itself when PostgreSQL says none has ended in the last day (RetentionRun.catchUp: one run however many ask).
 */
@Injectable()
export class RetentionCatchUp extends PeriodicJob {
  constructor(
    @Inject(RetentionRun) private readonly retention: RetentionRun,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    super('RetentionCatchUp', { everyMs: 600_000, atStart: true, failed: 'retention not caught up' });
  }

  protected async runOnce(): Promise<void> {
    if (await this.retention.catchUp(this.clock.now()))
      this.logger.log('the retention run the schedule missed was made now');
  }
}
