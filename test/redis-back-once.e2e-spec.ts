import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { as, eventually, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { DisposableRedis, freePort } from './support/disposable-redis.js';
import { untilQuiet } from './support/processors.js';
import { openCycle } from './support/reporting.js';

const LOG_FILE = join(tmpdir(), `pr-redis-back-once-${process.pid}.log`);

/**
 * An operator's probe: the worker's Redis frozen (SIGSTOP, its own server on a free port) for longer than a job's
 * lock while mail is going out, then let go. The log said nothing of Redis while it was frozen (the relay's error
 * on each try and a "refuses writes" that was not so), and when it came back, one warning per job in hand and per
 * BullMQ step ("could not renew lock for job link-mail-76", "Missing lock for job link-mail-76. moveToFinished",
 * ...). Now: one line when it goes, one when it is back, and nothing per job.
 */
describe('Redis frozen and back: one line each way, not one per job (e2e)', () => {
  let redis: DisposableRedis;
  let product: Product;

  beforeAll(async () => {
    rmSync(LOG_FILE, { force: true });
    redis = new DisposableRedis(await freePort());
    await redis.start();
    product = await startProduct('redis_back_once', undefined, {
      REDIS_URL: redis.url,
      MAIL_CONCURRENCY: '2',
      JOB_LOCK_MS: '3000',
      LOG_LEVEL: 'info',
      LOG_FILE,
    });
    await importSevenoaks(product.store);
  });
  afterAll(async () => {
    redis.thaw();
    await product.stop();
    await redis.stop();
    rmSync(LOG_FILE, { force: true });
  });

  const logs = () =>
    readFileSync(LOG_FILE, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; context?: string; msg: string });

  it('says it is gone, then back, and no job says it lost its lock', async () => {
    product.smtp.delayMs = 1_500;
    await openCycle(
      http(product.baseUrl),
      as.coordinator,
      {
        cycleId: 'frozen',
        label: 'Frozen',
        periodStart: '2020-04-01',
        periodEnd: '2021-03-31',
        dueDate: '2030-04-30',
      },
      ['S1', 'G1', 'C3', 'H1', 'D4', 'Sus4'],
    );
    await eventually(async () => product.smtp.offered.length >= 1, 20_000);
    const before = logs().length;
    redis.freeze();
    await new Promise((r) => setTimeout(r, 10_000));
    redis.thaw();
    const address = `127.0.0.1:${redis.port}`;
    await eventually(
      async () => product.smtp.mails.filter((m) => m.subject.includes('Frozen')).length >= 7,
      90_000,
    );
    await untilQuiet(product);
    // The jobs in hand at the freeze lose their locks a moment after the thaw: time for them to have said so.
    await new Promise((r) => setTimeout(r, 3_000));

    const said = logs()
      .slice(before)
      .filter((l) => l.level >= 40 || /Redis/.test(l.msg));
    const redisLines = said.filter((l) => l.msg.includes(address)).map((l) => l.msg);
    expect(redisLines).toEqual([
      expect.stringMatching(
        new RegExp(
          `^REDIS_URL: Redis at ${address} does not answer \\(Redis did not .+\\); jobs and mail wait`,
        ),
      ),
      expect.stringMatching(new RegExp(`^REDIS_URL: Redis at ${address} answers again after \\d+ s$`)),
    ]);
    expect(said.filter((l) => /lock for job|refuses writes|cannot process events/i.test(l.msg))).toEqual([]);
  }, 180_000);
});
