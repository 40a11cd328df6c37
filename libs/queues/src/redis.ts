import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { DEPENDENCY_TIMEOUT_MS } from '../../config/src/index.js';

/** Connection options for BullMQ (it blocks on commands, so no per-request retry limit). */
export function bullConnection(redisUrl: string): ConnectionOptions {
  // A Redis that does not answer at all is reported (RedisOutageLog) within seconds, not ioredis's 10.
  return { url: redisUrl, maxRetriesPerRequest: null, connectTimeout: DEPENDENCY_TIMEOUT_MS };
}

/** A client for health checks: fails fast instead of queueing commands while Redis is away. */
export function healthRedis(redisUrl: string): Redis {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 1_000,
  });
  // Its failures are the readiness answer; without a listener ioredis prints every reconnect failure.
  redis.on('error', () => undefined);
  return redis;
}
