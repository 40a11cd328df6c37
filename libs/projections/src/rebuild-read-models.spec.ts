import { EntityManager } from 'typeorm';
import { createTestDatabase, TestDatabase, untilEventsVisible } from '../../../test/support/test-database.js';
import { EventMetadata, EventProcessor, EventStore, StoredEvent } from '../../event-store/src/index.js';
import { ReadModel } from './read-model.js';
import { rebuildReadModels } from './rebuild-read-models.js';

const meta: EventMetadata = { actorId: 'test', actorRole: 'system', correlationId: 'rebuild' };

describe('rebuildReadModels (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  const counter = (processor?: string): ReadModel => ({
    name: 'counter',
    tables: ['counted'],
    processor,
    lockForRebuild: async () => undefined,
    async apply(events: readonly StoredEvent[], m: EntityManager) {
      for (const e of events) {
        await m.query(
          `INSERT INTO counted (stream_id, n) VALUES ($1, 1) ON CONFLICT (stream_id) DO UPDATE SET n = counted.n + 1`,
          [e.streamId],
        );
      }
    },
  });

  beforeAll(async () => {
    db = await createTestDatabase('rebuild');
    store = new EventStore(db.dataSource);
    await db.dataSource.query(`CREATE TABLE counted (stream_id text PRIMARY KEY, n integer NOT NULL)`);
    for (let s = 0; s < 5; s++) {
      await store.append(
        `s-${s}`,
        'no_stream',
        [1, 2, 3].map((n) => ({ type: 'Ticked', data: { n } })),
        meta,
      );
    }
    await untilEventsVisible(db.dataSource);
  });
  afterAll(() => db.drop());

  it('empties the tables and replays every event once, in batches', async () => {
    await db.dataSource.query(`INSERT INTO counted VALUES ('stale', 99)`);
    const result = await rebuildReadModels(db.dataSource, store, [counter()], { batchSize: 4 });
    expect(result).toMatchObject({ events: 15, rows: { counted: 5 } });
    const rows = await db.dataSource.query(`SELECT stream_id, n FROM counted ORDER BY stream_id`);
    expect(rows).toEqual([0, 1, 2, 3, 4].map((s) => ({ stream_id: `s-${s}`, n: 3 })));
  });

  it('applies a model through a fresh replay() of its own for each rebuild, when it has one', async () => {
    const replays: number[][] = [];
    const model: ReadModel = {
      ...counter(),
      apply: async () => Promise.reject(new Error('apply is for single batches')),
      replay() {
        const sizes: number[] = [];
        replays.push(sizes);
        return async (events, m) => {
          sizes.push(events.length);
          await counter().apply(events, m);
        };
      },
    };
    await rebuildReadModels(db.dataSource, store, [model], { batchSize: 4 });
    await rebuildReadModels(db.dataSource, store, [model], { batchSize: 8 });
    expect(replays).toEqual([
      [4, 4, 4, 3],
      [8, 7],
    ]);
    expect(await db.dataSource.query(`SELECT sum(n)::int AS n FROM counted`)).toEqual([{ n: 15 }]);
  });

  it('leaves the old rows in place when the replay fails', async () => {
    const failing = { ...counter(), apply: async () => Promise.reject(new Error('boom')) };
    await expect(rebuildReadModels(db.dataSource, store, [failing])).rejects.toThrow('boom');
    expect(await db.dataSource.query(`SELECT count(*)::int AS n FROM counted`)).toEqual([{ n: 5 }]);
  });

  it('moves a processor-kept model’s checkpoint to the end of the replay, so nothing is applied twice', async () => {
    await rebuildReadModels(db.dataSource, store, [counter('counter')]);
    const processor = new EventProcessor(db.dataSource, store, { name: 'counter', handle: counter().apply });
    expect(await processor.drain()).toBe(0);
    await store.append('s-late', 'no_stream', [{ type: 'Ticked', data: {} }], meta);
    await untilEventsVisible(db.dataSource);
    expect(await processor.drain()).toBe(1);
    await processor.stop();
    expect(await db.dataSource.query(`SELECT sum(n)::int AS n FROM counted`)).toEqual([{ n: 16 }]);
  });

  it('leaves out what the model’s processor holds back or was told to skip, as the processor does', async () => {
    const [skip, hold] = (
      await db.dataSource.query(`SELECT global_position FROM events WHERE stream_id = 's-0' ORDER BY version`)
    ).map((r: { global_position: string }) => Number(r.global_position));
    const [{ id }] = await db.dataSource.query(
      `INSERT INTO processor_interventions (processor, stream_id, global_position, event_type, action, actor)
       VALUES ('counter', 's-0', $1, 'Ticked', 'skip', 'ops') RETURNING id`,
      [skip],
    );
    await db.dataSource.query(
      `INSERT INTO skipped_events (processor, global_position, stream_id, intervention_id) VALUES ('counter', $1, 's-0', $2)`,
      [skip, id],
    );
    await db.dataSource.query(
      `INSERT INTO held_events (processor, global_position, stream_id, transaction_id)
       SELECT 'counter', global_position, stream_id, transaction_id FROM events WHERE global_position >= $1 AND stream_id = 's-0'`,
      [hold],
    );
    await rebuildReadModels(db.dataSource, store, [counter('counter')]);
    expect(await db.dataSource.query(`SELECT n FROM counted WHERE stream_id = 's-0'`)).toEqual([]);
    expect(await db.dataSource.query(`SELECT n FROM counted WHERE stream_id = 's-1'`)).toEqual([{ n: 3 }]);
    // Another model's replay (no processor of that name) is not affected.
    await rebuildReadModels(db.dataSource, store, [counter()]);
    expect(await db.dataSource.query(`SELECT n FROM counted WHERE stream_id = 's-0'`)).toEqual([{ n: 3 }]);
  });
});
