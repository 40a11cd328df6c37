import { execFileSync } from 'node:child_process';
import { ChildProcess } from 'node:child_process';
import { spawnApi } from './support/api-process.js';
import { DisposableRedis, freePort } from './support/disposable-redis.js';
import { postPageForm } from './support/page-form.js';
import { as, eventually, importSevenoaks, Product, startProduct } from './support/product.js';
import { kill } from './support/worker-process.js';

const QUICK = { MAIL_CLAIM_LEASE_MS: '1500', JOB_LOCK_MS: '1500', RESET_REQUEST_GRACE_MS: '1500' };

/**
 * An operator being unkind to password resets: the api killed (SIGKILL) after answering a reset and before
 * issuing it, with Redis stopped, then started again empty; and Redis emptied (FLUSHALL, on a Redis of this test's
 * own) while a reset's mail is with the SMTP server. reset_requests and owed_mails are in PostgreSQL, so each
 * reset is mailed once, with a working link.
 */
describe('password resets with Redis emptied (e2e)', () => {
  let redis: DisposableRedis;
  let product: Product;
  let child: ChildProcess | null = null;
  const email = 'fran.flushed@sevenoaks.example.org';

  beforeAll(async () => {
    redis = new DisposableRedis(await freePort());
    await redis.start();
    product = await startProduct('reset_redis_emptied', undefined, { ...QUICK, REDIS_URL: redis.url });
    await importSevenoaks(product.store);
  });
  afterAll(async () => {
    product.smtp.release();
    if (child) await kill(child);
    await redis.start();
    await product.stop();
    await redis.stop();
  });

  const mailsTo = () => product.smtp.mails.filter((m) => m.to.includes(email));
  const askReset = (baseUrl: string) =>
    postPageForm(baseUrl, { from: '/account/forgot-password', headers: {}, fields: { email } });
  const count = async (sql: string) => (await product.db.dataSource.query(sql))[0].n as number;
  const resetTokens = () => count(`SELECT count(*)::int AS n FROM password_tokens WHERE purpose = 'reset'`);
  const unsettled = () => count(`SELECT count(*)::int AS n FROM owed_mails WHERE settled_at IS NULL`);

  /** The `n`th mail to the address has come and, once nothing is owed any more, no other. Its link's token. */
  async function mailedOnce(n: number): Promise<string> {
    await eventually(async () => mailsTo().length >= n, 30_000);
    await eventually(async () => (await unsettled()) === 0, 30_000);
    expect(mailsTo()).toHaveLength(n);
    const token = /\/account\/set-password\/([A-Za-z0-9_-]{43})/.exec(mailsTo()[n - 1].text)?.[1];
    expect(token).toBeDefined();
    return token!;
  }

  /** The link opens the set-password form. */
  async function works(token: string): Promise<boolean> {
    const opened = await fetch(`${product.baseUrl}/account/set-password/${token}`, { redirect: 'manual' });
    return (
      opened.status === 303 && opened.headers.getSetCookie().some((c) => c.startsWith('pr_set_password='))
    );
  }

  it('mails a reset once when the api was killed before issuing it and Redis came back empty', async () => {
    const invited = await postPageForm(product.baseUrl, {
      from: '/coordinate/staff/invite',
      headers: as.coordinator,
      fields: { name: 'Fran Flushed', email, role: 'viewer' },
    });
    expect(invited.status).toBe(303);
    await mailedOnce(1);

    await redis.stop();
    const spawned = await spawnApi(product.config, { ...QUICK, RESET_HELD_AFTER_ANSWER: '1' });
    child = spawned.child;
    expect((await askReset(spawned.baseUrl)).status).toBe(200);
    expect(await count(`SELECT count(*)::int AS n FROM reset_requests`)).toBe(1);
    await kill(child);
    child = null;
    // The worker issues it with Redis away (PostgreSQL is all it needs), and the mail waits for Redis.
    await eventually(async () => (await resetTokens()) === 1, 30_000);
    expect(await count(`SELECT count(*)::int AS n FROM reset_requests`)).toBe(0);
    expect(mailsTo()).toHaveLength(1);

    await redis.start(); // empty
    expect(await works(await mailedOnce(2))).toBe(true);
  }, 240_000);

  it('mails a reset once when Redis is emptied (FLUSHALL) while its mail is with the SMTP server', async () => {
    product.smtp.hold();
    expect((await askReset(product.baseUrl)).status).toBe(200);
    await eventually(
      async () => product.smtp.offered.filter((m) => m.to.includes(email)).length === 3,
      30_000,
    );
    execFileSync('redis-cli', ['-p', String(redis.port), 'FLUSHALL']);
    // The worker sees Redis emptied and queues the mail again while the first sender still holds it.
    await eventually(async () => {
      const keys = execFileSync('redis-cli', [
        '-p',
        String(redis.port),
        'KEYS',
        '*password-mail*',
      ]).toString();
      return keys.trim().length > 0;
    }, 30_000);
    product.smtp.release();
    expect(await works(await mailedOnce(3))).toBe(true);
    expect(await resetTokens()).toBe(2);
  }, 120_000);
});
