import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { APP_CONFIG, AppConfig } from '../../../../libs/config/src/index.js';
import { within } from '../../../../libs/kernel/src/index.js';
import { disconnectRedis, healthRedis, pingRedis } from '../../../../libs/queues/src/index.js';

/** How long the queue dashboard waits for Redis's answer before saying it is away. */
export const QUEUES_CHECK_MS = 1_500;

/**
 * Whether Redis, which holds the queues, answers now: asked before the queue dashboard reads it. Bull Board's
 * queues wait for a Redis that is away (BullMQ's connection queues every command until it is back), so with
 * Redis stopped or frozen the dashboard's page loaded and its data never came: each request hung until the client
 * gave up. A fail-fast client of its own answers in at most QUEUES_CHECK_MS.
 */
@Injectable()
export class QueuesReachable implements OnApplicationShutdown {
  private readonly redis: Redis;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.redis = healthRedis(config.redisUrl);
  }

  /** Null when Redis answered a ping in time; else why not (ECONNREFUSED, no answer within …). */
  async whyNot(): Promise<string | null> {
    try {
      await within(QUEUES_CHECK_MS, () => pingRedis(this.redis));
      return null;
    } catch (error) {
      return (error as { code?: string }).code ?? (error as Error).message;
    }
  }

  onApplicationShutdown(): void {
    disconnectRedis(this.redis);
  }
}

@Module({ providers: [QueuesReachable], exports: [QueuesReachable] })
export class QueuesReachableModule {}
