import type { ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { addressOf, DEPENDENCY_TIMEOUT_MS, DependencyError } from '../../config/src/index.js';

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

/** Pings a healthRedis client, connecting it first when it has not yet or has given up (a Redis back again). */
export async function pingRedis(redis: Redis): Promise<void> {
  if (redis.status === 'wait' || redis.status === 'end') await redis.connect().catch(() => undefined);
  await redis.ping();
}

/**
 * Drops a client's connection, unless it is closed already. ioredis's disconnect() on a client that has ended arms a
 * 2 s timer to destroy its socket, cleared only by that socket's close, which came long before: an app closed a
 * second time (Nest lets a closed app be closed again) kept its process running 2 s after its close, and jest said
 * a test file leaked.
 */
export function disconnectRedis(redis: { readonly status: string; disconnect(): void }): void {
  if (redis.status !== 'end') redis.disconnect();
}

/** What of ioredis's client endRedisNow reaches: none of it is in its declared interface. */
interface IoredisInsides {
  reconnectTimeout: NodeJS.Timeout | null;
  connector: { stream?: unknown };
  setStatus(status: 'end'): void;
  flushQueue(error: Error): void;
}

/**
 * Ends a client at once, failing the commands it holds, whatever its state. ioredis's disconnect() of a client
 * whose connection has already dropped (reconnecting to a Redis that went) clears its reconnect timer but waits for
 * a close of its socket that came long before: the client is never ended, the commands it holds never answered (a
 * close waiting for them waited out its limit), and a 2 s timer armed to destroy that socket kept the process up
 * after its close (jest: an open handle). Such a client is ended here as ioredis ends one closed by hand once its
 * socket has closed; one with a live connection is disconnected, which ends it when its socket closes. Either way
 * its connector forgets the socket, so a disconnect() after (BullMQ's close calls one) arms no timer either.
 */
export function endRedisNow(redis: Redis): void {
  const insides = redis as unknown as IoredisInsides;
  // Should an ioredis release rename what this reaches, the client is disconnected as before, not thrown at.
  const reachable = typeof insides.setStatus === 'function' && typeof insides.flushQueue === 'function';
  if (!reachable) {
    if (redis.status !== 'end') redis.disconnect();
    return;
  }
  if (redis.status === 'reconnecting' || redis.status === 'close') {
    if (insides.reconnectTimeout) clearTimeout(insides.reconnectTimeout);
    insides.reconnectTimeout = null;
    insides.setStatus('end');
    insides.flushQueue(new Error('Connection is closed.'));
  } else if (redis.status !== 'end') {
    redis.disconnect();
    return;
  }
  if (insides.connector) insides.connector.stream = undefined;
}

/**
 * Throws a DependencyError naming REDIS_URL unless Redis answers a ping within DEPENDENCY_TIMEOUT_MS: for a
 * script that cannot do without Redis (the backup drill runs its api and worker on it), where the apps themselves
 * start and wait for it.
 */
export async function requireRedis(redisUrl: string, what: string): Promise<void> {
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: DEPENDENCY_TIMEOUT_MS,
    retryStrategy: () => null,
  });
  // The connection's own error says why (ECONNREFUSED); connect() rejects only with "Connection is closed".
  let cause: Error | null = null;
  redis.on('error', (error: Error) => (cause ??= error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    const why = ((cause ?? (error as Error)).message || 'no answer').replace(/\s+/g, ' ').trim();
    throw new DependencyError(
      'REDIS_URL',
      `Redis at ${addressOf(redisUrl, 6379)} cannot be reached (${why}): ${what}`,
    );
  } finally {
    redis.disconnect();
  }
}
