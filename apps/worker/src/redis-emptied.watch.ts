import { InjectQueue } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../../libs/config/src/index.js';
import { QUEUES } from '../../../libs/queues/src/index.js';
import { ChaseSchedule } from './chasing.processor.js';
import { MailReconciler } from './mail-reconciler.service.js';
import { oneAtATime } from './one-at-a-time.js';
import { RetentionSchedule } from './retention.schedule.js';

/** How often a worker looks whether Redis has been emptied: one SET a look. */
export const REDIS_EMPTIED_CHECK_MS = 5_000;

/**
 * Redis keeps nothing the product needs, and may come back empty (a FLUSHALL, a restart with nothing kept, a
 * failover to an empty replica). The mail jobs it lost were put back only at the next reconciliation, up to
 * MAIL_RECONCILE_EVERY_MS (5 minutes) later, and the retention schedule at its next check (10 minutes). The workers
 * keep a marker key there; the worker that finds it gone puts it back and, at once, the mail still owed back on
 * the queue and the schedules back in place. Found gone when nothing was emptied (its first look, say), that
 * costs one reconciliation more: what a job finds sent it does not send again.
 */
@Injectable()
export class RedisEmptiedWatch implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('RedisEmptiedWatch');
  private timer: NodeJS.Timeout | null = null;
  /** Whether a look has found the marker in place or put it there: before that, it was never there to lose. */
  private marked = false;

  constructor(
    @InjectQueue(QUEUES.mail) private readonly mail: Queue,
    @Inject(MailReconciler) private readonly reconciler: MailReconciler,
    @Inject(ChaseSchedule) private readonly chase: ChaseSchedule,
    @Inject(RetentionSchedule) private readonly retention: RetentionSchedule,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const look = oneAtATime(() => this.look().catch(() => undefined));
    look();
    this.timer = setInterval(look, REDIS_EMPTIED_CHECK_MS);
    this.timer.unref();
  }

  beforeApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Puts the marker back when it is gone; then what Redis lost is put back. A Redis away is said elsewhere. */
  private async look(): Promise<void> {
    // The default backend is ioredis.
    const client = (await this.mail.backend.client) as unknown as Redis;
    const putBack = (await client.set(`${this.config.queuePrefix}:redis-marker`, '1', 'NX')) === 'OK';
    const emptied = putBack && this.marked;
    this.marked = true;
    if (!emptied) return;
    this.logger.warn('Redis came back empty: the mail still owed is queued again and the schedules restored');
    this.reconciler.soon();
    this.chase.checkNow();
    this.retention.checkNow();
  }
}
