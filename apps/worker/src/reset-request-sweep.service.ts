import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ResetRequests } from '../../../libs/auth/src/index.js';
import { APP_CONFIG, AppConfig } from '../../../libs/config/src/index.js';
import { EventStore } from '../../../libs/event-store/src/index.js';
import { Clock } from '../../../libs/kernel/src/index.js';
import { PeriodicJob } from './periodic-run.js';

/**
 * A password reset is owed (reset_requests) before the api answers, and the api issues it right after; an api
 * killed in between leaves the row. At start and every RESET_REQUEST_GRACE_MS each worker issues the rows older
 * than that grace, and after each look it looks again when the oldest row left comes due: a row left just after a
 * look was not overdue at the next, and was issued only at the one after (up to twice the grace, 2 minutes by
 * default, after the person asked). The api or another worker taking the same row at once is harmless: whoever
 * deletes it issues.
 */
const LOOK_PAST_DUE_MS = 50;

@Injectable()
export class ResetRequestSweep extends PeriodicJob {
  private readonly requests: ResetRequests;
  private next: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(EventStore) store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super('ResetRequestSweep', {
      everyMs: config.mail.resetRequestGraceMs,
      atStart: true,
      failed: 'reset requests not swept',
    });
    this.requests = new ResetRequests(dataSource, store, config.tokenPepper);
  }

  protected async runOnce(): Promise<void> {
    const issued = await this.sweep();
    if (issued > 0) this.logger.log(`${issued} password reset requests left by an api issued`);
    await this.lookAgainWhenDue();
  }

  override beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.next) clearTimeout(this.next);
    return super.beforeApplicationShutdown();
  }

  /** One look more, set for when the oldest row left comes due, if that is before the next regular look. */
  private async lookAgainWhenDue(): Promise<void> {
    const grace = this.config.mail.resetRequestGraceMs;
    const dueInMs = await this.requests.nextOverdueInMs(grace);
    if (this.next) clearTimeout(this.next);
    this.next = null;
    if (dueInMs === null || dueInMs >= grace || this.stopped) return;
    // A moment past it: the row must be older than the grace by PostgreSQL's clock when the look comes.
    this.next = setTimeout(() => this.runNow(), dueInMs + LOOK_PAST_DUE_MS);
    this.next.unref();
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
