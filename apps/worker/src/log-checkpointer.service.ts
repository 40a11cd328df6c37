import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../libs/config/src/index.js';
import { EventStore, LogCheckpoints } from '../../../libs/event-store/src/index.js';
import { Clock } from '../../../libs/kernel/src/index.js';
import { PeriodicJob } from './periodic-run.js';

/**
 * Checkpoints the tamper-evident log every LOG_CHECKPOINT_EVERY_MS: a LogCheckpointed event with
 * the root over every stream's head (see LogCheckpoints). A timer, not a queue: Redis holds nothing the log
 * needs, and two workers taking the same checkpoint is harmless (one append wins, the other is refused).
 */
@Injectable()
export class LogCheckpointer extends PeriodicJob {
  private readonly checkpoints: LogCheckpoints;
  private readonly everyMs: number;
  private started = false;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(EventStore) store: EventStore,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    super('LogCheckpointer', {
      everyMs: config.logCheckpointEveryMs,
      // At start too, when the latest checkpoint is an interval old (see runOnce).
      atStart: true,
      failed: 'log not checkpointed',
    });
    this.checkpoints = new LogCheckpoints(dataSource, store);
    this.everyMs = config.logCheckpointEveryMs;
  }

  protected async runOnce(): Promise<void> {
    // The run at start only when the latest checkpoint is an interval old, or there is none: a worker killed or
    // restarted more often than the interval (a crash loop, frequent deploys) never took one when the first came a
    // full interval after start, and the log went unchecked for as long as that lasted. A worker restarted often
    // still adds nothing: the latest is recent, and take() appends none while only checkpoints came since.
    const atStart = !this.started;
    this.started = true;
    if (atStart && !(await this.latestIsAnIntervalOld())) return;
    const digest = await this.checkpoints.take(this.clock.now());
    if (digest) this.logger.log(`log checkpoint at position ${digest.position}: root ${digest.root}`);
  }

  private async latestIsAnIntervalOld(): Promise<boolean> {
    const latest = await this.checkpoints.latest();
    return !latest || this.clock.now().getTime() - new Date(latest.at).getTime() >= this.everyMs;
  }
}
