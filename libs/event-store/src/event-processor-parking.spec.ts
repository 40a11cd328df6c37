import { EntityManager } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database.js';
import { eventually } from '../../../test/support/eventually.js';
import { EventMetadata, StoredEvent } from './event.js';
import { EventProcessor, ProcessorDefinition } from './event-processor.js';
import { EventStore } from './event-store.js';
import { ParkedEvents } from './parked-events.js';
import { Upcasters } from './upcaster.js';

const meta: EventMetadata = { actorId: 'system', actorRole: 'system', correlationId: 'parking' };

/**
 * A processor that fails on one event holds that event's stream and goes on with every other; the event is
 * retried with a doubling delay, parked after its last try, and released when an operator retries or skips it.
 */
describe('EventProcessor: failing events are held, parked and released (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let parked: ParkedEvents;
  const running: EventProcessor[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('parking');
    store = new EventStore(db.dataSource);
    parked = new ParkedEvents(db.dataSource);
    await db.dataSource.query(
      `CREATE TABLE applied (n serial, processor text, stream_id text, version int, global_position bigint)`,
    );
  });
  afterEach(async () => {
    for (const p of running.splice(0)) await p.stop();
  });
  afterAll(() => db.drop());

  /**
   * Records each event of its own streams (named `<name>-...`: each test's processor reads the events of the
   * tests before it too); fails on any event `poisoned` says is bad, with a real failing write.
   */
  function recorder(name: string, poisoned: (e: StoredEvent) => boolean): ProcessorDefinition {
    return {
      name,
      batchSize: 50,
      async handle(events: StoredEvent[], m: EntityManager) {
        for (const e of events.filter((x) => x.streamId.startsWith(`${name}-`))) {
          if (poisoned(e)) {
            // A real write that fails, as "null value in column cycle_id" did, so the transaction must recover.
            await m.query(
              `INSERT INTO applied (processor, stream_id, version, global_position) VALUES
              ($1, $2, $3, 1 / 0)`,
              [name, e.streamId, e.version],
            );
          }
          await m.query(
            `INSERT INTO applied (processor, stream_id, version, global_position) VALUES ($1, $2, $3, $4)`,
            [name, e.streamId, e.version, e.globalPosition],
          );
        }
      },
    };
  }

  function start(definition: ProcessorDefinition, attempts = 3): EventProcessor {
    const processor = new EventProcessor(db.dataSource, store, definition, {
      pollIntervalMs: 10,
      lockRetryMs: 20,
      attempts,
      retryDelayMs: 20,
    });
    running.push(processor);
    processor.start();
    return processor;
  }

  const appliedTo = async (processor: string, streamPrefix: string) =>
    (
      (await db.dataSource.query(
        `SELECT stream_id, version FROM applied WHERE processor = $1 AND stream_id LIKE $2 ORDER BY n`,
        [processor, `${streamPrefix}%`],
      )) as { stream_id: string; version: number }[]
    ).map((r) => `${r.stream_id}@${r.version}`);

  const ticks = (stream: string, count: number, from = 1) =>
    store.append(
      stream,
      'any',
      Array.from({ length: count }, (_, i) => ({ type: 'Ticked', data: { n: from + i } })),
      meta,
    );

  const parkedOf = async (processor: string) =>
    (await parked.list()).filter((p) => p.processor === processor);

  it('holds the stream of an event it fails on, retries it with backoff, parks it, and applies every other stream', async () => {
    await ticks('e-ok-1', 3);
    await ticks('e-bad', 2);
    await store.append('e-bad', 2, [{ type: 'Poison', data: {} }], meta);
    await ticks('e-bad', 2, 4);
    await ticks('e-ok-2', 3);
    let bad = true;
    const processor = start(recorder('e', (ev) => bad && ev.type === 'Poison'));

    const [event] = await eventually(async () => {
      const list = await parkedOf('e');
      return list.length === 1 && list[0].state === 'parked' ? list : null;
    });
    expect(event).toMatchObject({
      streamId: 'e-bad',
      version: 3,
      type: 'Poison',
      attempts: 3,
      state: 'parked',
      held: 3,
      nextAttemptAt: null,
      requested: null,
    });
    expect(event.error).toContain('division by zero');
    expect(event.parkedAt).toBeInstanceOf(Date);
    expect(await appliedTo('e', 'e-ok')).toEqual([
      'e-ok-1@1',
      'e-ok-1@2',
      'e-ok-1@3',
      'e-ok-2@1',
      'e-ok-2@2',
      'e-ok-2@3',
    ]);
    // The stream's events before the poison went through; it and those after wait.
    expect(await appliedTo('e', 'e-bad')).toEqual(['e-bad@1', 'e-bad@2']);

    // Streams go on; the held one keeps what arrives, in order, without applying it.
    await ticks('e-ok-1', 1, 4);
    await ticks('e-bad', 1, 6);
    await eventually(async () => (await appliedTo('e', 'e-ok-1')).length === 4);
    await eventually(async () => (await parkedOf('e'))[0].held === 4);
    expect((await processor.checkpoint()).globalPosition).toBe(
      Number((await db.dataSource.query('SELECT max(global_position) AS p FROM events'))[0].p),
    );

    // An operator retries once the cause is fixed: the parked event and those behind it apply, in order.
    bad = false;
    const asked = await parked.request('e', event.globalPosition, 'retry', 'ops@example.org');
    expect(asked.ok).toBe(true);
    await eventually(async () => (await parkedOf('e')).length === 0);
    expect(await appliedTo('e', 'e-bad')).toEqual([
      'e-bad@1',
      'e-bad@2',
      'e-bad@3',
      'e-bad@4',
      'e-bad@5',
      'e-bad@6',
    ]);
    const [done] = await parked.history(1);
    expect(done).toMatchObject({
      action: 'retry',
      actor: 'ops@example.org',
      outcome: '4 held events applied',
    });
    expect(done.doneAt).toBeInstanceOf(Date);
    const held = await db.dataSource.query(`SELECT * FROM held_events WHERE processor = 'e'`);
    expect(held).toEqual([]);

    // After release the stream flows as before.
    await ticks('e-bad', 1, 7);
    await eventually(async () => (await appliedTo('e', 'e-bad')).length === 7);
  });

  it('an event that recovers within its tries is applied in order and nothing stays parked', async () => {
    await ticks('r-bad', 1);
    await store.append('r-bad', 1, [{ type: 'Poison', data: {} }], meta);
    await ticks('r-bad', 1, 3);
    let failures = 0;
    start(
      recorder('r', (ev) => ev.type === 'Poison' && ++failures <= 2),
      5,
    );
    await eventually(async () => (await appliedTo('r', 'r-bad')).length === 3);
    expect(await appliedTo('r', 'r-bad')).toEqual(['r-bad@1', 'r-bad@2', 'r-bad@3']);
    expect(failures).toBe(3);
    expect(await parkedOf('r')).toEqual([]);
  });

  it('a retry that fails again stays parked with one more try counted; a skip leaves the event out for good', async () => {
    await ticks('s-bad', 1);
    await store.append('s-bad', 1, [{ type: 'Poison', data: {} }], meta);
    await ticks('s-bad', 2, 3);
    await ticks('s-ok', 2);
    const processor = start(
      recorder('s', (ev) => ev.type === 'Poison'),
      1,
    );
    const [event] = await eventually(async () => {
      const list = await parkedOf('s');
      return list.length === 1 ? list : null;
    });
    expect(event).toMatchObject({ attempts: 1, state: 'parked', held: 3 });

    // Requests wait for the processor: with it stopped, a second request for the same event is refused, as is
    // one for a position it holds nothing at.
    await processor.stop();
    expect((await parked.request('s', event.globalPosition, 'retry', 'first')).ok).toBe(true);
    expect(await parked.request('s', event.globalPosition, 'skip', 'second')).toMatchObject({
      ok: false,
      problem: 'already-requested',
    });
    expect(await parked.request('s', 1, 'retry', 'x')).toMatchObject({ ok: false, problem: 'not-parked' });
    expect((await parkedOf('s'))[0].requested).toMatchObject({ action: 'retry', by: 'first' });
    processor.start();
    await eventually(async () => (await parked.history(5)).some((i) => i.actor === 'first' && i.doneAt));
    const [retried] = await parkedOf('s');
    expect(retried).toMatchObject({ attempts: 2, state: 'parked', held: 3, requested: null });
    expect((await parked.history(5)).find((i) => i.actor === 'first')!.outcome).toMatch(
      /^0 held events applied; event \d+ failed: division by zero/,
    );

    const skip = await parked.request('s', event.globalPosition, 'skip', 'ops', 'bad data, fixed by hand');
    expect(skip.ok).toBe(true);
    await eventually(async () => (await parkedOf('s')).length === 0);
    expect(await appliedTo('s', 's-bad')).toEqual(['s-bad@1', 's-bad@3', 's-bad@4']);
    expect(await appliedTo('s', 's-ok')).toEqual(['s-ok@1', 's-ok@2']);
    const skipped = await db.dataSource.query(
      `SELECT stream_id, global_position FROM skipped_events WHERE processor = 's'`,
    );
    expect(skipped).toEqual([{ stream_id: 's-bad', global_position: String(event.globalPosition) }]);
    expect((await parked.history(1))[0]).toMatchObject({
      action: 'skip',
      actor: 'ops',
      reason: 'bad data, fixed by hand',
      outcome: 'skipped; 2 held events applied',
    });

    // Replayed from the start (a rebuild resets the checkpoint), the skipped event stays skipped.
    await processor.stop();
    await db.dataSource.query(`DELETE FROM applied WHERE processor = 's'`);
    await db.dataSource.query(`DELETE FROM processor_checkpoints WHERE name = 's'`);
    processor.start();
    await eventually(async () => (await appliedTo('s', 's-')).length === 5);
    expect(await appliedTo('s', 's-bad')).toEqual(['s-bad@1', 's-bad@3', 's-bad@4']);
    expect(await parkedOf('s')).toEqual([]);
  });

  it('holds nothing when a dependency is down: the whole batch waits and then applies', async () => {
    await ticks('d-1', 3);
    await ticks('d-2', 3);
    let down = true;
    let failed = false;
    const definition = recorder('d', () => down);
    let checks = 0;
    start({
      ...definition,
      handle: async (events, m) => {
        failed = down;
        return definition.handle(events, m);
      },
      // Redis, say, going away in the middle of a batch: the check before the batch passed, the one after not.
      beforeBatch: async () => {
        checks += 1;
        if (down && failed) throw new Error('Redis is away');
      },
    });
    await eventually(async () => checks > 5);
    expect(await parkedOf('d')).toEqual([]);
    expect(await appliedTo('d', 'd')).toEqual([]);
    down = false;
    await eventually(async () => (await appliedTo('d', 'd')).length === 6);
    expect(await parkedOf('d')).toEqual([]);
  });

  it('holds nothing when a statement times out (a lock held, PostgreSQL stalled): the batch waits and then applies', async () => {
    await ticks('t-1', 2);
    await ticks('t-2', 2);
    let stalls = 0;
    const definition = recorder('t', () => false);
    start(
      {
        ...definition,
        handle: async (events, m) => {
          if (stalls < 4 && events.some((e) => e.streamId.startsWith('t-'))) {
            stalls += 1;
            // statement_timeout cancels it, as DATABASE_QUERY_TIMEOUT_MS does a statement that waits too long.
            await m.query(`SET LOCAL statement_timeout = 50`);
            await m.query(`SELECT pg_sleep(1)`);
          }
          return definition.handle(events, m);
        },
      },
      2,
    );
    await eventually(async () => (await appliedTo('t', 't-')).length === 4);
    expect(stalls).toBe(4);
    expect(await parkedOf('t')).toEqual([]);
    expect(await appliedTo('t', 't-')).toEqual(['t-1@1', 't-1@2', 't-2@1', 't-2@2']);
  });

  it('holds an event it cannot even read (its upcast throws) like one it fails on', async () => {
    const broken = new EventStore(
      db.dataSource,
      new Upcasters([
        {
          type: 'Reshaped',
          fromSchemaVersion: 1,
          upcast: (data) => {
            if ((data as { bad?: boolean }).bad) throw new Error('cannot upcast Reshaped v1');
            return data;
          },
        },
      ]),
    );
    await ticks('u-bad', 1);
    await store.append('u-bad', 1, [{ type: 'Reshaped', data: { bad: true } }], meta);
    await ticks('u-bad', 1, 3);
    await ticks('u-ok', 2);
    const processor = new EventProcessor(
      db.dataSource,
      broken,
      recorder('u', () => false),
      {
        pollIntervalMs: 10,
        attempts: 2,
        retryDelayMs: 20,
      },
    );
    running.push(processor);
    processor.start();
    const [event] = await eventually(async () => {
      const list = await parkedOf('u');
      return list.length === 1 && list[0].state === 'parked' ? list : null;
    });
    expect(event).toMatchObject({ type: 'Reshaped', attempts: 2, held: 2 });
    expect(event.error).toBe('cannot upcast Reshaped v1');
    expect(await appliedTo('u', 'u-')).toEqual(['u-bad@1', 'u-ok@1', 'u-ok@2']);
    expect((await parked.request('u', event.globalPosition, 'skip', 'ops', 'unreadable')).ok).toBe(true);
    await eventually(async () => (await parkedOf('u')).length === 0);
    expect(await appliedTo('u', 'u-bad')).toEqual(['u-bad@1', 'u-bad@3']);
  });
});
