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
    // The first one after a full interval, not at start: a worker restarted often adds nothing to the log.
    this.timer = setInterval(() => this.tick(), this.config.logCheckpointEveryMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
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
