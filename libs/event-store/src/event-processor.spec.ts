import { EntityManager } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database.js';
import { eventually } from '../../../test/support/eventually.js';
import { EventMetadata, StoredEvent } from './event.js';
import { EventProcessor } from './event-processor.js';
import { EventStore } from './event-store.js';

const meta: EventMetadata = { actorId: 'system', actorRole: 'system', correlationId: 'p-1' };

describe('EventProcessor (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('processor');
    store = new EventStore(db.dataSource);
    await db.dataSource.query(`CREATE TABLE applied (processor text, instance text, global_position bigint)`);
    for (let s = 0; s < 30; s++) {
      await store.append(
        `p-${s}`,
        'no_stream',
        Array.from({ length: 10 }, (_, n) => ({ type: 'Ticked', data: { n } })),
        meta,
      );
    }
  });
  afterAll(() => db.drop());

  const record = (processor: string, instance: string) => (events: StoredEvent[], m: EntityManager) =>
    m.query(`INSERT INTO applied SELECT $1, $2, unnest($3::bigint[])`, [
      processor,
      instance,
      events.map((e) => e.globalPosition),
    ]);

  const appliedCounts = async (processor: string) =>
    (await db.dataSource.query(
      `SELECT global_position, count(*)::int AS times, min(instance) AS instance, max(instance) AS last_instance
       FROM applied WHERE processor = $1 GROUP BY global_position`,
      [processor],
    )) as { global_position: string; times: number; instance: string; last_instance: string }[];

  it('c: killed in the middle of a batch, it resumes from its checkpoint and applies nothing twice', async () => {
    let killed = false;
    const processor = new EventProcessor(
      db.dataSource,
      store,
      {
        name: 'killable',
        batchSize: 40,
        async handle(events, m) {
          // Apply half the batch, then lose the connection mid-transaction, as a crashed process would.
          await record('killable', 'one')(events.slice(0, 20), m);
          if (!killed && events[0].globalPosition > 100) {
            killed = true;
            await m.query('SELECT pg_terminate_backend(pg_backend_pid())').catch(() => undefined);
            throw new Error('connection lost');
          }
          await record('killable', 'one')(events.slice(20), m);
        },
      },
      { pollIntervalMs: 10, lockRetryMs: 20 },
    );
    processor.start();
    await eventually(async () => (await appliedCounts('killable')).length === 300);
    await processor.stop();

    expect(killed).toBe(true);
    const counts = await appliedCounts('killable');
    expect(counts).toHaveLength(300);
    expect(counts.every((c) => c.times === 1)).toBe(true);
    const checkpoint = await processor.checkpoint();
    expect(checkpoint.globalPosition).toBe(300);
  });

  it('d: two instances started at once: only one applies events; the other takes over when it stops', async () => {
    const make = (instance: string) =>
      new EventProcessor(
        db.dataSource,
        store,
        { name: 'single', batchSize: 25, handle: record('single', instance) },
        { pollIntervalMs: 10, lockRetryMs: 20 },
      );
    const [a, b] = [make('a'), make('b')];
    a.start();
    b.start();
    await eventually(async () => (await appliedCounts('single')).length === 300);
    expect([a.isLeader, b.isLeader].filter(Boolean)).toHaveLength(1);
    const counts = await appliedCounts('single');
    expect(counts.every((c) => c.times === 1)).toBe(true);
    const instances = new Set(counts.flatMap((c) => [c.instance, c.last_instance]));
    expect(instances.size).toBe(1);

    const [leader, standby] = a.isLeader ? [a, b] : [b, a];
    await leader.stop();
    await store.append('p-late', 'no_stream', [{ type: 'Ticked', data: { n: 0 } }], meta);
    await eventually(async () => (await appliedCounts('single')).length === 301);
    expect(standby.isLeader).toBe(true);
    await standby.stop();
    expect((await appliedCounts('single')).every((c) => c.times === 1)).toBe(true);
  });
});
