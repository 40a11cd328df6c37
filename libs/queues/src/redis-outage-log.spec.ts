import { Logger } from '@nestjs/common';
import { bullConnection } from './redis.js';
import { ReportingQueue } from './redis-outage-log.js';

/**
 * An error Redis answers with is said once, not once per retry: an operator's probe emptied Redis while a worker
 * held a job, and BullMQ's renewal of that job's lock failed every 1.25 s until the job ended, a warning each.
 */
describe('the Redis error log', () => {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  let queue: ReportingQueue;
  beforeAll(() => {
    queue = new ReportingQueue('redis-outage-log-spec', {
      connection: bullConnection(url),
      prefix: `pr-spec-${process.pid}`,
    });
  });
  afterAll(() => queue.close());

  it('says the same answer once a minute, and each different one', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      for (let i = 0; i < 6; i++) queue.emit('error', new Error('could not renew lock for job j1'));
      queue.emit('error', new Error('could not renew lock for job j2'));
      expect(warn.mock.calls.map(([message]) => String(message).replace(/^.*error: /, ''))).toEqual([
        'could not renew lock for job j1',
        'could not renew lock for job j2',
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
