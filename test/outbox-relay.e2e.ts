import { Logger } from '@nestjs/common';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { AuthService } from '../libs/auth/src/index.js';
import { bullConnection, CHASE_SCHEDULER_ID, QUEUES } from '../libs/queues/src/index.js';
import { as, eventually, http, importSevenoaks, Product, STAFF, startProduct } from './support/product.js';
import { DisposableRedis, freePort } from './support/disposable-redis.js';
import { processorsPassed, untilProcessorsPass } from './support/processors.js';

/**
 * The outbox relay: commands write only to PostgreSQL, so they succeed while Redis is unreachable; when it comes
 * back (empty: it keeps nothing) the relay turns every event stored meanwhile into its jobs, and nothing is lost.
 */
describe('outbox relay with Redis away (e2e)', () => {
  let redis: DisposableRedis;
  let product: Product;
  let call: ReturnType<typeof http>;

  beforeAll(async () => {
    redis = new DisposableRedis(await freePort());
    await redis.start();
    product = await startProduct('relay', undefined, {
      REDIS_URL: redis.url,
      CHASE_SCAN_EVERY_MS: '1000',
      // An event at fault is parked at its second try: a failure counted against events shows at once.
      PROCESSOR_ATTEMPTS: '2',
      PROCESSOR_RETRY_DELAY_MS: '100',
    });
    await importSevenoaks(product.store);
    call = http(product.baseUrl);
  });
  afterAll(async () => {
    await redis.start().catch(() => undefined); // let the apps close their queues cleanly
    await product.stop();
    await redis.stop();
  });

  const draft = (cycleId: string, label: string) =>
    call('POST', '/cycles', as.coordinator, {
      partnershipId: 'sevenoaks-lsp',
      planId: 'community-plan-2019-22',
      label,
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2030-04-30',
      cycleId,
    });

  it('waits, holding no event, while Redis answers but refuses writes, and relays everything when it takes them again', async () => {
    // A failover leaves the service on a replica (READONLY to every write) while pings still pass: an operator's
    // probe saw each event's enqueue fail, and the events parked until someone retried them one by one.
    const admin = new Redis(redis.url);
    try {
      await admin.call('REPLICAOF', '127.0.0.1', String(await freePort()));
      expect((await draft('readonly', 'While Redis refused writes')).status).toBe(201);
      const opened = await call('POST', '/cycles/readonly/open', as.coordinator, { measureRefs: ['S1'] });
      expect(opened.status).toBe(200);
      await untilProcessorsPass(product.db.dataSource, ['return-status']);
      // Long enough for several of the relay's tries, each of which would have counted against the events.
      await new Promise((r) => setTimeout(r, 2_000));
      const count = async (table: string) =>
        Number(
          (
            await product.db.dataSource.query(
              `SELECT count(*)::int AS n FROM ${table} WHERE processor = 'outbox-relay'`,
            )
          )[0].n,
        );
      expect([await count('parked_events'), await count('held_events')]).toEqual([0, 0]);
      expect(product.smtp.mails.some((m) => m.subject.includes('While Redis refused writes'))).toBe(false);
      await admin.call('REPLICAOF', 'NO', 'ONE');
      await eventually(
        async () => product.smtp.mails.some((m) => m.subject.includes('While Redis refused writes')),
        30_000,
      );
      expect([await count('parked_events'), await count('held_events')]).toEqual([0, 0]);
    } finally {
      await admin.call('REPLICAOF', 'NO', 'ONE').catch(() => undefined);
      admin.disconnect();
    }
  });

  it('takes commands while Redis is down and, when it returns, relays every event stored meanwhile', async () => {
    // Rita hears of each submission at once (a digest waits for its hour to close).
    const atOnce = await call('PUT', '/me/mail-preferences', as.reviewer, { delivery: 'at-once' });
    expect(atOnce.status).toBe(200);
    expect((await draft('before', 'Before the outage')).status).toBe(201);
    await call('POST', '/cycles/before/open', as.coordinator, { measureRefs: ['S1'] });
    await eventually(async () => product.smtp.mails.some((m) => m.subject.includes('Before the outage')));

    await redis.stop();
    const started = Date.now();
    expect((await draft('during', 'During the outage')).status).toBe(201);
    expect(
      (await call('POST', '/cycles/during/open', as.coordinator, { measureRefs: ['S1', 'D4'] })).status,
    ).toBe(200);
    const lead = await product.api.get(AuthService).createLinkSession({
      linkId: 'test',
      partnershipId: 'sevenoaks-lsp',
      cycleId: null,
      agencyId: 'sevenoaks-csp',
      contactEmail: 'priya.shah@example.org',
    });
    const submitted = await call(
      'POST',
      '/returns/before.S1/submit',
      { cookie: `pr_session=${lead}`, origin: product.baseUrl },
      {
        rag: 'green',
        narrative: 'On track.',
      },
    );
    expect(submitted.status).toBe(200);
    const sentBack = await call('POST', '/returns/before.S1/send-back', as.reviewer, {
      reason: 'Add the Q4 figures',
    });
    expect(sentBack.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(5_000); // no command waited for Redis
    // Every event is processed where Redis is not needed (return-status has passed the last one), yet the relay,
    // which needs Redis, has not: so no job, and no mail, for any of them.
    const last = await untilProcessorsPass(product.db.dataSource, ['return-status']);
    expect(await processorsPassed(product.db.dataSource, last, ['outbox-relay'])).toBe(false);
    expect(product.smtp.mails.some((m) => m.subject.includes('During the outage'))).toBe(false);
    // Readiness names what is down, and the variable that points at it.
    const ready = await call('GET', '/health/ready', {});
    expect(ready.status).toBe(503);
    expect(ready.headers.get('content-type')).toContain('application/problem+json');
    expect(ready.body).toMatchObject({
      title: 'Not ready: redis is down',
      status: 503,
      error: { redis: { status: 'down' } },
      info: { postgres: { status: 'up' } },
    });
    expect(ready.body.detail).toMatch(/^Redis \(REDIS_URL\) does not answer/);

    await redis.start(); // empty: Redis kept nothing
    const expected = [
      (m: { to: string[]; subject: string }) =>
        m.to.includes('priya.shah@example.org') && m.subject.includes('During the outage'),
      (m: { to: string[]; subject: string }) =>
        m.to.includes('samuel.adeyemi@example.org') && m.subject.includes('During the outage'),
      (m: { to: string[]; subject: string }) =>
        m.to.includes(STAFF.reviewer) && m.subject.includes('has submitted S1'),
      (m: { to: string[]; subject: string }) =>
        m.to.includes('priya.shah@example.org') && m.subject.includes('needs changes'),
    ];
    await eventually(async () => expected.every((match) => product.smtp.mails.some(match)), 30_000);
    for (const match of expected) expect(product.smtp.mails.filter(match)).toHaveLength(1);

    // The relay's checkpoint reaches the last event (the ledger keeps appending as mails go, so wait for it).
    await eventually(async () => {
      const [{ behind }] = await product.db.dataSource.query(
        `SELECT (SELECT max(global_position) FROM events) - global_position AS behind
         FROM processor_checkpoints WHERE name = 'outbox-relay'`,
      );
      return Number(behind) === 0;
    });
    // The chase schedule lived in Redis too: the worker has put it back.
    const chasing = new Queue(QUEUES.chasing, {
      connection: bullConnection(redis.url),
      prefix: product.config.queuePrefix,
    });
    try {
      await eventually(async () => (await chasing.getJobScheduler(CHASE_SCHEDULER_ID)) ?? null, 10_000);
    } finally {
      await chasing.close();
    }
  });

  it('puts the chase schedule back once after an outage, however many of its checks came due meanwhile', async () => {
    // An operator's probe: after a minute without Redis the worker said 'the chase schedule was missing' six
    // times at once, and upserted it six times: every check of the outage had waited for Redis.
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const chasing = new Queue(QUEUES.chasing, {
      connection: bullConnection(redis.url),
      prefix: product.config.queuePrefix,
    });
    try {
      await redis.stop();
      // The schedule is checked every second here, so three checks come due while Redis is away: when they could
      // overlap, all of them said the schedule was missing once it came back (seven after five seconds).
      await new Promise((resolve) => setTimeout(resolve, 3_000));
      await redis.start(); // empty
      await eventually(async () => (await chasing.getJobScheduler(CHASE_SCHEDULER_ID)) ?? null, 10_000);
      // Any check still held comes through as its connection answers again, which the schedule's return shows it
      // has: a second and a half for the slowest of them.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const said = warn.mock.calls.filter(([message]) =>
        String(message).includes('chase schedule was missing'),
      );
      expect(said).toHaveLength(1);
    } finally {
      warn.mockRestore();
      await chasing.close();
    }
  });
});
