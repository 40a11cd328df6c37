import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ChaseAgency, ScanForChases, ScanForDigests } from '../../../libs/chasing/src/index.js';
import { OwedMails } from '../../../libs/mail/src/index.js';
import { JobFailures } from './job-failures.js';
import { jobLock } from './job-lock.js';
import { oneAtATime } from './one-at-a-time.js';
import { APP_CONFIG, AppConfig } from '../../../libs/config/src/index.js';
import { Clock } from '../../../libs/kernel/src/index.js';
import { RetentionRun } from '../../../libs/returns/src/index.js';
import { RETENTION_JOB } from './retention.schedule.js';
import {
  CHASE_SCHEDULER_ID,
  ChaseAgenciesJob,
  ChaseAgencyJob,
  CHASING_JOBS,
  OutboxJob,
  QUEUES,
} from '../../../libs/queues/src/index.js';

/**
 * Runs a scan: enqueues what is due, chases and the digests of windows that have closed. Tests call it directly
 * instead of waiting for the scheduler.
 */
@Injectable()
export class ChaseScanner {
  constructor(
    @Inject(ScanForChases) private readonly scan: ScanForChases,
    @Inject(ScanForDigests) private readonly digestScan: ScanForDigests,
    @Inject(OwedMails) private readonly owed: OwedMails,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    @InjectQueue(QUEUES.chasing) private readonly chasing: Queue,
    @InjectQueue(QUEUES.mail) private readonly mail: Queue,
  ) {}

  /** How many jobs it enqueued, and how many agency chases they hold (a job may hold a cycle's agencies). */
  async run(): Promise<{ enqueued: number; chases: number; digests: number }> {
    const now = this.clock.now();
    const digests = await this.owedDigests(now);
    const jobs = [...(await this.scan.execute(now)), ...digests];
    const queues: Record<string, Queue> = { [QUEUES.chasing]: this.chasing, [QUEUES.mail]: this.mail };
    for (const [name, queue] of Object.entries(queues)) {
      const mine = jobs.filter((j) => j.queue === name);
      if (mine.length === 0) continue;
      await queue.addBulk(
        mine.map((j: OutboxJob) => ({ name: j.name, data: j.data, opts: { jobId: j.jobId } })),
      );
      // A job that gave up without an outcome (it could not reach PostgreSQL, say) is still owed: try it again.
      for (const j of mine) {
        const job = await queue.getJob(j.jobId);
        if (job && (await job.isFailed())) await job.retry('failed');
      }
    }
    const chases = jobs.reduce(
      (n, j) =>
        j.name === CHASING_JOBS.chaseAgencies
          ? n + (j.data as ChaseAgenciesJob).chases.length
          : n + (j.name === CHASING_JOBS.chaseAgency ? 1 : 0),
      0,
    );
    return { enqueued: jobs.length, chases, digests: digests.length };
  }

  /**
   * The digest jobs of closed windows, recorded in owed_mails first (so Redis is never their only record and
   * reconciliation puts them back), and of those only the ones not settled yet: a window whose digests all went
   * is found again by every scan for two days, and must cost no job.
   */
  private async owedDigests(now: Date): Promise<OutboxJob[]> {
    const found = await this.digestScan.execute(now);
    if (found.length === 0) return [];
    const eventPosition = 0; // owed by a window closing, not by one event
    await this.owed.record(
      this.dataSource.manager,
      found.map((j) => ({ jobId: j.jobId, name: j.name, data: j.data, eventPosition })),
    );
    const unsettled = await this.owed.stillOwed(found.map((j) => j.jobId));
    return found.filter((j) => unsettled.has(j.jobId));
  }
}

/**
 * The one Job Scheduler of chasing, upserted here and nowhere else, at start-up: every worker upserts the same
 * id, so there is one schedule however many workers run.
 */
@Injectable()
export class ChaseSchedule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ChaseSchedule');
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @InjectQueue(QUEUES.chasing) private readonly chasing: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: with Redis away it would wait until Redis is back, and the worker's start (its event
    // processors included) with it. The check below puts the schedule back if this never got through.
    this.upsert().catch((error: Error) => this.logger.warn(`schedule not set yet: ${error.message}`));
    // Redis keeps nothing the product needs, so it may come back empty: look now and then, and put it back.
    this.timer = setInterval(this.checkNow, Math.min(this.config.mail.chaseScanEveryMs, 30_000));
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * Puts the schedule back if Redis has lost it: now and then, and at once when Redis came back empty. One check
   * at a time, whoever asks: two at once both found it missing.
   */
  readonly checkNow = oneAtATime(() =>
    this.restore().catch((error: Error) => this.logger.warn(`schedule not checked: ${error.message}`)),
  );

  private async restore(): Promise<void> {
    if (!(await this.chasing.getJobScheduler(CHASE_SCHEDULER_ID))) {
      this.logger.warn('the chase schedule was missing from Redis: restoring it');
      await this.upsert();
    }
  }

  private upsert() {
    return this.chasing.upsertJobScheduler(
      CHASE_SCHEDULER_ID,
      { every: this.config.mail.chaseScanEveryMs },
      { name: CHASING_JOBS.scan, data: {}, opts: { removeOnComplete: 100, removeOnFail: 500 } },
    );
  }
}

/**
 * Chase scans, chases of agencies and the nightly retention run. Registered through chasingProcessorFor(config),
 * which adds the job lock.
 */
@Processor(QUEUES.chasing, { concurrency: 4 })
export class ChasingProcessor extends WorkerHost {
  private readonly logger = new Logger('Chasing');
  private readonly failures = new JobFailures(this.logger);

  constructor(
    @Inject(ChaseScanner) private readonly scanner: ChaseScanner,
    @Inject(ChaseAgency) private readonly chaseAgency: ChaseAgency,
    @Inject(RetentionRun) private readonly retention: RetentionRun,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    super();
  }

  async process(job: Job): Promise<unknown> {
    try {
      return await this.run(job);
    } catch (error) {
      this.failures.note(job, error);
      throw error;
    }
  }

  private async run(job: Job): Promise<unknown> {
    switch (job.name) {
      case CHASING_JOBS.scan:
        return this.scanner.run();
      case CHASING_JOBS.chaseAgency: {
        const outcome = await this.chaseAgency.execute(job.data as ChaseAgencyJob);
        this.logger.debug(`chase ${job.id}: ${outcome}`);
        return { outcome };
      }
      case CHASING_JOBS.chaseAgencies: {
        const { cycleId, chases } = job.data as ChaseAgenciesJob;
        const outcomes = await this.chaseAgency.executeMany(cycleId, chases);
        const tally: Record<string, number> = {};
        for (const o of outcomes) tally[o] = (tally[o] ?? 0) + 1;
        this.logger.debug(`chases ${job.id}: ${JSON.stringify(tally)}`);
        return { outcomes: tally };
      }
      case RETENTION_JOB:
        // The time is passed in; what is due is read afresh, so a job delivered twice does nothing the second time.
        return this.retention.run(this.clock.now());
      default:
        throw new Error(`unknown chasing job ${job.name}`);
    }
  }
}

/**
 * How many times a chasing job may be found stalled (its worker died holding it) and still be taken up again.
 * BullMQ's default is once: a retention run whose worker was killed, and whose next worker was killed too, was
 * failed for good ("job stalled more than allowable limit") with the people due left for the next night. Each
 * chasing job reads what is due afresh (BullMQ already ran it again after one death), so again is as safe; the
 * limit stays, so a job that kills every worker that takes it (out of memory, say) ends failed, not in a loop.
 */
export const CHASING_MAX_STALLS = 5;

/**
 * The chasing processor with the configured job lock (`JOB_LOCK_MS`, as the mail queue's): a worker that dies
 * holding a chase scan or a retention run lets it go after the lock runs out and the stalled check finds it. With
 * BullMQ's own 30 s each, a retention run killed mid-way waited about a minute to be taken up again.
 */
export function chasingProcessorFor(config: AppConfig): typeof ChasingProcessor {
  @Processor(QUEUES.chasing, {
    concurrency: 4,
    ...jobLock(config),
    maxStalledCount: CHASING_MAX_STALLS,
  })
  class LockedChasingProcessor extends ChasingProcessor {}
  return LockedChasingProcessor;
}
