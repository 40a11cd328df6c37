import { DisposableRedis, freePort } from '../../../test/support/disposable-redis.js';
import { eventually } from '../../../test/support/eventually.js';
import { bullConnection } from './redis.js';
import { ReportingQueue, ReportingWorker } from './redis-outage-log.js';

/**
 * A worker stopped while its Redis is away: an operator's SIGTERM ran out the whole shutdown limit and exited as
 * hung when a job in hand was itself waiting on Redis (a chase scan adding mail jobs as Redis went).
 */
describe('ReportingWorker.close with Redis away', () => {
  let redis: DisposableRedis;
  beforeEach(async () => {
    redis = new DisposableRedis(await freePort());
    await redis.start();
  });
  afterEach(() => redis.stop());

  it('lets a job in hand end, but does not wait on one that waits on Redis', async () => {
    const prefix = `pr-spec-close-${process.pid}`;
    const queue = new ReportingQueue('close-spec', { connection: bullConnection(redis.url), prefix });
    const more = new ReportingQueue('close-spec-more', { connection: bullConnection(redis.url), prefix });
    let started = 0;
    let redisGone: () => void = () => undefined;
    const gone = new Promise<void>((resolve) => (redisGone = resolve));
    // The job adds another job once Redis has gone: BullMQ holds that command until Redis is back.
    const worker = new ReportingWorker(
      'close-spec',
      async () => {
        started += 1;
        await gone;
        await more.add('next', {});
      },
      { connection: bullConnection(redis.url), prefix },
    );
    await more.waitUntilReady();
    await queue.add('scan', {});
    await eventually(async () => started === 1, 10_000);

    await redis.stop();
    redisGone();
    const asked = Date.now();
    // As the worker's shutdown does it: the queue workers first, then the queues, one of them with an add waiting.
    await worker.close();
    await Promise.all([queue.close(), more.close()]);
    expect(Date.now() - asked).toBeLessThan(3_000);
  }, 30_000);

  // An operator's probe: Redis lost after the close began waiting for it (for the job in hand's outcome, then its
  // QUIT) still waited out the whole shutdown limit, where a Redis gone before the close was noticed at once.
  it('notices Redis going while the close waits for it, and lets the job in hand end', async () => {
    const prefix = `pr-spec-close-mid-${process.pid}`;
    const queue = new ReportingQueue('close-mid-spec', { connection: bullConnection(redis.url), prefix });
    let started = 0;
    let ended = 0;
    let finishJob: () => void = () => undefined;
    const finish = new Promise<void>((resolve) => (finishJob = resolve));
    const worker = new ReportingWorker(
      'close-mid-spec',
      async () => {
        started += 1;
        await finish;
        ended += 1;
      },
      { connection: bullConnection(redis.url), prefix },
    );
    await queue.add('send', {});
    await eventually(async () => started === 1, 10_000);

    // Redis is here when the close begins: it waits for the job in hand, and Redis to take its outcome.
    const closing = worker.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await redis.stop();
    const gone = Date.now();
    finishJob();
    await closing;
    await queue.close();
    expect(ended).toBe(1);
    expect(Date.now() - gone).toBeLessThan(3_000);
  }, 30_000);
});
