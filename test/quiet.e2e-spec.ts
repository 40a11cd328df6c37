import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import { EventMetadata, EventProcessor, EventStore } from '../libs/event-store/src/index.js';
import { bullConnection, CHASING_JOBS, deleteQueueKeys, QUEUES } from '../libs/queues/src/index.js';
import { PROCESSORS, processorsPassed, untilProcessorsPass, untilQuiet } from './support/processors.js';
import { createTestDatabase, TestDatabase } from './support/test-database.js';

const meta: EventMetadata = { actorId: 'test', actorRole: 'system', correlationId: 'quiet' };
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * The helpers tests wait on instead of sleeping to see "that nothing more arrives" (issue 10, point 14): they
 * follow the processors' checkpoints and the jobs still owed, so they wait exactly as long as the work takes.
 */
describe('waiting on the processors, not the clock (test support)', () => {
  let db: TestDatabase;
  let store: EventStore;
  const config = { redisUrl: REDIS_URL, queuePrefix: `test-quiet-${randomBytes(4).toString('hex')}` };

  beforeAll(async () => {
    db = await createTestDatabase('quiet');
    store = new EventStore(db.dataSource);
  });
  afterAll(async () => {
    await db.drop();
    await deleteQueueKeys(config.redisUrl, config.queuePrefix);
  });

  it('untilProcessorsPass waits for every processor’s checkpoint to pass the last event', async () => {
    const { lastPosition } = await store.append('q-1', 'no_stream', [{ type: 'Ticked', data: {} }], meta);
    expect(await processorsPassed(db.dataSource, lastPosition)).toBe(false);
    const processors = PROCESSORS.map(
      (name) =>
        new EventProcessor(
          db.dataSource,
          store,
          { name, handle: async () => undefined },
          { pollIntervalMs: 10 },
        ),
    );
    processors[0].start();
    await expect(untilProcessorsPass(db.dataSource, PROCESSORS, 500)).rejects.toThrow(
      `processors did not pass event ${lastPosition}`,
    );
    for (const rest of processors.slice(1)) rest.start();
    expect(await untilProcessorsPass(db.dataSource)).toBe(lastPosition);
    expect(await processorsPassed(db.dataSource, lastPosition)).toBe(true);
    await Promise.all(processors.map((p) => p.stop()));
  });

  it('untilQuiet waits for a job still owed (a delayed retry), and not for the next chase scan', async () => {
    const connection = bullConnection(config.redisUrl);
    const mail = new Queue(QUEUES.mail, { connection, prefix: config.queuePrefix });
    const chasing = new Queue(QUEUES.chasing, { connection, prefix: config.queuePrefix });
    let ran = false;
    const worker = new Worker(
      QUEUES.mail,
      async () => {
        ran = true;
      },
      { connection, prefix: config.queuePrefix },
    );
    try {
      await chasing.add(CHASING_JOBS.scan, {}, { delay: 3_600_000 });
      await mail.add('retry', {}, { delay: 400 });
      await untilQuiet({ db, config });
      expect(ran).toBe(true);
    } finally {
      await worker.close();
      await Promise.all([mail.close(), chasing.close()]);
    }
  });
});
