import { randomBytes } from 'node:crypto';
import { Job, Queue, Worker } from 'bullmq';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database.js';
import { loadConfig } from '../../../libs/config/src/index.js';
import { MailLeases, OwedMails } from '../../../libs/mail/src/index.js';
import { bullConnection, deleteQueueKeys, QUEUES } from '../../../libs/queues/src/index.js';
import { MailReconciler } from './mail-reconciler.service.js';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Reconciliation on the real PostgreSQL and Redis: what owed_mails says is owed is what ends up queued. */
describe('MailReconciler (real PostgreSQL and Redis)', () => {
  const prefix = `test-reconcile-${randomBytes(4).toString('hex')}`;
  let db: TestDatabase;
  let queue: Queue;
  let owed: OwedMails;
  let reconciler: MailReconciler;

  beforeAll(async () => {
    db = await createTestDatabase('mail_reconcile');
    queue = new Queue(QUEUES.mail, {
      connection: bullConnection(REDIS_URL),
      prefix,
      defaultJobOptions: { attempts: 2 },
    });
    owed = new OwedMails(db.dataSource);
    reconciler = new MailReconciler(queue, owed, new MailLeases(db.dataSource), loadConfig({}));
  });
  afterAll(async () => {
    await queue.close();
    await db.drop();
    await deleteQueueKeys(REDIS_URL, prefix);
  });

  const job = (jobId: string, eventPosition: number) => ({
    jobId,
    name: 'submission-link-mail',
    data: { cycleId: 'y1', linkId: jobId, eventPosition },
    eventPosition,
  });

  it('queues what is owed and unsettled, once, and retries what BullMQ gave up on without an outcome', async () => {
    await owed.record(db.dataSource.manager, [
      job('link-mail-1', 1),
      job('link-mail-2', 2),
      job('link-mail-3', 3),
    ]);
    await owed.record(db.dataSource.manager, [job('link-mail-1', 1)]); // the relay redelivering a batch
    await owed.settle('link-mail-3', 'sent');

    // Redis knows none of them (it came back empty): the unsettled two are queued, the settled one is not.
    expect(await reconciler.reconcile()).toEqual({ owed: 2, retried: 0, requeued: 0, cleared: 0 });
    expect(await queue.getJob('link-mail-3')).toBeUndefined();
    expect((await queue.getWaiting()).map((j) => j.id).sort()).toEqual(['link-mail-1', 'link-mail-2']);

    // One is sent and settled; the other fails through all its attempts (PostgreSQL away, say): no outcome.
    const worker = new Worker(
      QUEUES.mail,
      async (j: Job) => {
        if (j.id === 'link-mail-2') throw new Error('connection terminated');
        await owed.settle(j.id!, 'sent');
      },
      { connection: bullConnection(REDIS_URL), prefix, autorun: false },
    );
    const done = new Promise<void>((resolve) => {
      let finished = 0;
      const count = () => ++finished === 3 && resolve(); // one completed, two failed attempts
      worker.on('completed', count);
      worker.on('failed', count);
    });
    void worker.run();
    await done;
    await worker.close();
    const failed = await queue.getJob('link-mail-2');
    expect(await failed!.isFailed()).toBe(true);

    // Still owed: queued again with a fresh budget of attempts; a job still in Redis is not doubled.
    expect(await reconciler.reconcile()).toEqual({ owed: 1, retried: 1, requeued: 0, cleared: 0 });
    const retried = await queue.getJob('link-mail-2');
    expect(await retried!.isWaiting()).toBe(true);
    expect(retried!.attemptsMade).toBe(0);
    expect(await reconciler.reconcile()).toEqual({ owed: 1, retried: 0, requeued: 0, cleared: 0 });
    expect(await queue.getJobCounts('waiting', 'completed', 'failed')).toEqual({
      waiting: 1,
      completed: 1,
      failed: 0,
    });
  });

  it('queues again a mail owed anew after its job completed (BullMQ would take its id for done)', async () => {
    // link-mail-1 ran and settled above; its row is owed again, as a parked relay event retried by hand does.
    await db.dataSource.query(`UPDATE owed_mails SET settled_at = NULL WHERE job_id = 'link-mail-1'`);
    expect(await (await queue.getJob('link-mail-1'))!.isCompleted()).toBe(true);

    expect(await reconciler.reconcile()).toEqual({ owed: 2, retried: 0, requeued: 1, cleared: 0 });
    expect(await (await queue.getJob('link-mail-1'))!.isWaiting()).toBe(true);
    // Now waiting, it is left alone.
    expect(await reconciler.reconcile()).toEqual({ owed: 2, retried: 0, requeued: 0, cleared: 0 });
    expect(await queue.getJobCounts('waiting', 'completed')).toEqual({ waiting: 2, completed: 0 });
  });

  it('clears a failed job whose mail the ledger says went, and keeps one that failed for good', async () => {
    await owed.record(db.dataSource.manager, [job('link-mail-4', 4), job('link-mail-5', 5)]);
    await queue.addBulk(
      ['link-mail-4', 'link-mail-5'].map((id) => ({
        name: 'submission-link-mail',
        data: {},
        opts: { jobId: id, attempts: 1 },
      })),
    );
    // Both fail in BullMQ's eyes: the first after its send was recorded (its lock lost), the second for good.
    const worker = new Worker(
      QUEUES.mail,
      async (j: Job) => {
        if (j.id === 'link-mail-4') await owed.settle(j.id, JSON.stringify({ outcome: 'sent' }));
        if (j.id === 'link-mail-5') await owed.settle(j.id, 'failed: 550 no such mailbox');
        if (j.id === 'link-mail-4' || j.id === 'link-mail-5')
          throw new Error('job stalled more than allowable limit');
      },
      { connection: bullConnection(REDIS_URL), prefix, autorun: false },
    );
    const done = new Promise<void>((resolve) => {
      const seen = new Set<string>();
      worker.on('failed', (j) => j?.id && seen.add(j.id) && seen.size === 2 && resolve());
    });
    void worker.run();
    await done;
    await worker.close();
    const result = await reconciler.reconcile();
    expect(result.cleared).toBe(1);
    expect(await queue.getJob('link-mail-4')).toBeUndefined();
    expect(await (await queue.getJob('link-mail-5'))!.isFailed()).toBe(true);
    expect((await reconciler.reconcile()).cleared).toBe(0);
  });
});
