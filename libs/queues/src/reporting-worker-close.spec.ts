import { createHook } from 'node:async_hooks';
import { DisposableRedis, freePort } from '../../../test/support/disposable-redis.js';
import { eventually } from '../../../test/support/eventually.js';
import { bullConnection } from './redis.js';
import { ReportingQueue, ReportingWorker } from './redis-outage-log.js';

/**
 * The timers ioredis set while `work` ran that are still set once it has ended (and a moment after, for the
 * clearing of those it cleared to be seen): what jest's detectOpenHandles would name, by where each was set.
 */
async function ioredisTimersLeftBy(work: () => Promise<void>): Promise<string[]> {
  const set = new Map<number, string>();
  const hook = createHook({
    init(id, type) {
      if (type !== 'Timeout') return;
      const limit = Error.stackTraceLimit;
      Error.stackTraceLimit = 30;
      const stack = new Error().stack ?? '';
      Error.stackTraceLimit = limit;
      const where = stack.split('\n').filter((line) => line.includes('node_modules/'));
      if (where.some((line) => line.includes('node_modules/ioredis/')))
        set.set(id, where.slice(0, 3).join(' <'));
    },
    destroy(id) {
      set.delete(id);
    },
  }).enable();
  try {
    await work();
    await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    hook.disable();
  }
  return [...set.values()];
}

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

  it('with Redis here throughout, still waits for Redis to take the outcome of the job in hand', async () => {
    const prefix = `pr-spec-close-stays-${process.pid}`;
    const queue = new ReportingQueue('close-stays-spec', { connection: bullConnection(redis.url), prefix });
    let finishJob: () => void = () => undefined;
    const finish = new Promise<void>((resolve) => (finishJob = resolve));
    let started = 0;
    const worker = new ReportingWorker(
      'close-stays-spec',
      async () => {
        started += 1;
        await finish;
      },
      { connection: bullConnection(redis.url), prefix },
    );
    const job = await queue.add('send', {});
    await eventually(async () => started === 1, 10_000);
    const closing = worker.close();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    finishJob();
    await closing;
    expect(await queue.getJobState(job.id!)).toBe('completed');
    await queue.close();
  }, 30_000);

  // jest said a test file that closed a worker and a queue with Redis away leaked: ioredis's disconnect of a client
  // whose connection had dropped armed a 2 s timer to destroy a socket closed long before.
  it('leaves no ioredis timer once a queue and a worker closed with Redis away', async () => {
    const prefix = `pr-spec-close-timers-${process.pid}`;
    const queue = new ReportingQueue('close-timers-spec', { connection: bullConnection(redis.url), prefix });
    const worker = new ReportingWorker('close-timers-spec', async () => undefined, {
      connection: bullConnection(redis.url),
      prefix,
    });
    await queue.add('send', {});
    await worker.waitUntilReady();
    await redis.stop();
    const clientOf = (user: ReportingQueue | ReportingWorker) =>
      (user.getBackend() as unknown as { client: Promise<{ status: string }> }).client;
    const reconnecting = async () =>
      (await Promise.all([clientOf(queue), clientOf(worker)])).every((c) => c.status === 'reconnecting');
    await eventually(reconnecting, 10_000);

    const left = await ioredisTimersLeftBy(async () => {
      await worker.close();
      await queue.close();
    });
    expect(left).toEqual([]);
  }, 30_000);
});
