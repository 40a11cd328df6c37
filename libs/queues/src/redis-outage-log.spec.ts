import { Logger } from '@nestjs/common';
import { bullConnection } from './redis.js';
import { ReportingQueue } from './redis-outage-log.js';

/**
 * An error Redis answers with is said once, not once per retry: an operator's probe emptied Redis while a worker
 * held a job, and BullMQ's renewal of that job's lock failed every 1.25 s until the job ended, a warning each; and
 * after a frozen Redis came back, each job in hand said it lost its lock, a warning per job and per step.
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
      for (let i = 0; i < 6; i++) queue.emit('error', new Error('OOM command not allowed'));
      queue.emit('error', new Error("READONLY You can't write against a read only replica."));
      expect(warn.mock.calls.map(([message]) => String(message).replace(/^.*error: /, ''))).toEqual([
        'OOM command not allowed',
        "READONLY You can't write against a read only replica.",
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  // A job whose lock is lost says so under its own id, at each step BullMQ takes with it: one line for them all.
  it('says jobs lost their locks once a minute, whichever jobs and steps', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      for (const job of ['j1', 'j2', 'j3']) {
        queue.emit('error', new Error(`could not renew lock for job ${job}`));
        queue.emit('error', new Error(`Missing lock for job ${job}. moveToFinished`));
        queue.emit('error', new Error(`Missing lock for job ${job}. moveToDelayed`));
      }
      expect(warn.mock.calls.map(([message]) => String(message))).toEqual([
        expect.stringMatching(/jobs in hand lost their lock \(could not renew lock for job j1\)/),
      ]);
    } finally {
      warn.mockRestore();
    }
  });
});
