import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../libs/config/src/index.js';
import { EventStore, LogCheckpoints } from '../../../libs/event-store/src/index.js';
import { Clock } from '../../../libs/kernel/src/index.js';

/**
 * Checkpoints the tamper-evident log every LOG_CHECKPOINT_EVERY_MS: a LogCheckpointed event with
 * the root over every stream's head (see LogCheckpoints). A timer, not a queue: Redis holds nothing the log
 * needs, and two workers taking the same checkpoint is harmless (one append wins, the other is refused).
 */
@Injectable()
export class LogCheckpointer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LogCheckpointer');
  private readonly checkpoints: LogCheckpoints;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(EventStore) store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.checkpoints = new LogCheckpoints(dataSource, store);
  }

  onApplicationBootstrap(): void {
    // The first one when the latest checkpoint is an interval old, not a full interval after start: a worker
    // killed or restarted more often than that (a crash loop, frequent deploys) never took one, and the log went
    // unchecked for as long as that lasted. A worker restarted often still adds nothing: the latest is recent,
    // and take() appends none while only checkpoints were appended since.
    this.firstTickAt()
      .catch(() => this.config.logCheckpointEveryMs) // PostgreSQL away at start: the interval, as before
      .then((delayMs) => {
        if (this.stopped) return;
        this.timer = setTimeout(() => {
          this.tick();
          this.timer = setInterval(() => this.tick(), this.config.logCheckpointEveryMs);
          this.timer.unref();
        }, delayMs);
        this.timer.unref();
      });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer); // clears an interval too
    await this.running;
  }

  /** How long until the latest checkpoint is an interval old (0: none yet, or older already). */
  private async firstTickAt(): Promise<number> {
    const latest = await this.checkpoints.latest();
    if (!latest) return 0;
    const due = new Date(latest.at).getTime() + this.config.logCheckpointEveryMs;
    return Math.max(0, Math.min(this.config.logCheckpointEveryMs, due - this.clock.now().getTime()));
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.checkpoints
      .take(this.clock.now())
      .then((digest) => {
        if (digest) this.logger.log(`log checkpoint at position ${digest.position}: root ${digest.root}`);
      })
      .catch((error: Error) => this.logger.warn(`log not checkpointed: ${error.message}`))
      .finally(() => {
        this.running = null;
      });
  }
}
