import { LOG_CHECKPOINTS_STREAM, LogDigest, verifyLog } from '../libs/event-store/src/index.js';
import { importSevenoaks, Product, startProduct } from './support/product.js';

/** Issue 17 point 1: the worker checkpoints the log by itself, every LOG_CHECKPOINT_EVERY_MS. */
describe('the worker checkpoints the tamper-evident log (e2e)', () => {
  let product: Product;

  beforeAll(async () => {
    product = await startProduct('log_checkpointer', undefined, { LOG_CHECKPOINT_EVERY_MS: '300' });
  });
  afterAll(() => product.stop());

  const checkpoints = () => product.store.readStream(LOG_CHECKPOINTS_STREAM);

  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error('not done within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('takes none on an empty log, one after events, and none again while nothing else happens', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_000)); // three intervals on a log with no events
    expect(await checkpoints()).toHaveLength(0);

    await importSevenoaks(product.store);
    const [first] = await until(checkpoints, (c) => c.length > 0);
    expect(first.type).toBe('LogCheckpointed');
    expect(first.metadata).toMatchObject({ actorId: 'log-checkpoint', actorRole: 'system' });
    const digest = first.data as Omit<LogDigest, 'at'>;
    expect(await verifyLog(product.db.dataSource, digest)).toMatchObject({ ok: true });

    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Only the checkpoint itself was appended since: the worker did not take another.
    expect(await checkpoints()).toHaveLength(1);
  });
});
