import { Redis } from 'ioredis';

/**
 * Deletes every key under a queue prefix (QUEUE_PREFIX): what a throwaway run (a test file, a benchmark) leaves
 * in Redis when its database is dropped. Finished jobs stay in Redis until told otherwise: a chase benchmark leaves
 * ~20,000, and each test run ~10,000 over its files. Never call it with the prefix of a deployment in use.
 */
export async function deleteQueueKeys(url: string, prefix: string): Promise<number> {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
