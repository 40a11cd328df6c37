import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ResetRequests } from '../../../libs/auth/src/index.js';
import { APP_CONFIG, AppConfig } from '../../../libs/config/src/index.js';
import { EventStore } from '../../../libs/event-store/src/index.js';
import { Clock } from '../../../libs/kernel/src/index.js';

/**
 * A password reset is owed (reset_requests) before the api answers, and the api issues it right after; an api
 * killed in between leaves the row. At start and every RESET_REQUEST_GRACE_MS each worker issues the rows older
 * than that grace. The api or another worker taking the same row at once is harmless: whoever deletes it issues.
 */
@Injectable()
export class ResetRequestSweep implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ResetRequestSweep');
  private readonly requests: ResetRequests;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(EventStore) store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.requests = new ResetRequests(dataSource, store, config.tokenPepper);
  }

  onApplicationBootstrap(): void {
    // Not awaited: a PostgreSQL still away at start must not hold the worker's start-up.
    this.tick();
    this.timer = setInterval(() => this.tick(), this.config.mail.resetRequestGraceMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.sweep()
      .then((issued) => {
        if (issued > 0) this.logger.log(`${issued} password reset requests left by an api issued`);
      })
      .catch((error: Error) => this.logger.warn(`reset requests not swept: ${error.message}`))
      .finally(() => {
        this.running = null;
      });
  }

  /** Issues every overdue request; how many this worker took (the others were gone by then). */
  async sweep(): Promise<number> {
    let taken = 0;
    for (const requestId of await this.requests.overdue(this.config.mail.resetRequestGraceMs)) {
      if ((await this.requests.issue(requestId, this.clock.now())) !== null) taken += 1;
    }
    return taken;
  }
}
