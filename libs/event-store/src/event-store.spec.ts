import { createTestDatabase, TestDatabase, untilEventsVisible } from '../../../test/support/test-database.js';
import { ConcurrencyError } from './concurrency.error.js';
import { EventMetadata, START, StoredEvent } from './event.js';
import { EventStore } from './event-store.js';
import { Upcasters } from './upcaster.js';

const meta: EventMetadata = { actorId: 'user-1', actorRole: 'coordinator', correlationId: 'c-1' };
const ev = (n: number) => ({ type: 'Counted', data: { n } });

describe('EventStore (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('event_store');
    store = new EventStore(db.dataSource);
  });
  afterAll(() => db.drop());

  it('appends to a new stream and reads it back with every column', async () => {
    const result = await store.append('s-new', 'no_stream', [ev(1), ev(2)], meta, {
      recordedAt: new Date('2020-04-30T12:00:00Z'),
    });
    expect(result.nextExpectedVersion).toBe(2);
    const events = await store.readStream('s-new');
    expect(events.map((e) => [e.version, e.type, e.data])).toEqual([
      [1, 'Counted', { n: 1 }],
      [2, 'Counted', { n: 2 }],
    ]);
    expect(events[0].metadata).toEqual(meta);
    expect(events[0].schemaVersion).toBe(1);
    expect(events[0].recordedAt.toISOString()).toBe('2020-04-30T12:00:00.000Z');
    expect(events[1].globalPosition).toBe(events[0].globalPosition + 1);
    expect(BigInt(events[0].transactionId)).toBeGreaterThan(0n);
  });

  it('honours "no stream", "any" and exact expected versions', async () => {
    await store.append('s-exp', 'no_stream', [ev(1)], meta);
    await expect(store.append('s-exp', 'no_stream', [ev(2)], meta)).rejects.toMatchObject({
      name: 'ConcurrencyError',
      actual: 1,
    });
    await expect(store.append('s-exp', 5, [ev(2)], meta)).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(store.append('s-missing', 3, [ev(1)], meta)).rejects.toMatchObject({ actual: null });
    expect((await store.append('s-exp', 1, [ev(2)], meta)).nextExpectedVersion).toBe(2);
    expect((await store.append('s-exp', 'any', [ev(3), ev(4)], meta)).nextExpectedVersion).toBe(4);
    expect((await store.append('s-any-new', 'any', [ev(1)], meta)).nextExpectedVersion).toBe(1);
    expect((await store.readStream('s-exp', { fromVersion: 3 })).map((e) => e.version)).toEqual([3, 4]);
  });

  it('reads a stream as it stood at a past instant', async () => {
    await store.append('s-asat', 'no_stream', [ev(1)], meta, {
      recordedAt: new Date('2020-01-01T00:00:00Z'),
    });
    await store.append('s-asat', 1, [ev(2)], meta, { recordedAt: new Date('2020-06-01T00:00:00Z') });
    const then = await store.readStream('s-asat', { asAt: new Date('2020-03-01T00:00:00Z') });
    expect(then.map((e) => e.version)).toEqual([1]);
  });

  it('reads a stream whole and only the event types of another, in one call', async () => {
    await store.append('with-main', 'no_stream', [ev(1), ev(2)], meta);
    await store.append(
      'with-other',
      'no_stream',
      [
        { type: 'Opened', data: { big: 'x' } },
        { type: 'Closed', data: {} },
      ],
      meta,
    );
    const { events, types } = await store.readStreamWithTypesOf('with-main', 'with-other');
    expect(events.map((e) => [e.streamId, e.version, e.data])).toEqual([
      ['with-main', 1, { n: 1 }],
      ['with-main', 2, { n: 2 }],
    ]);
    expect(types).toEqual(['Opened', 'Closed']);
    expect(await store.readStreamWithTypesOf('with-none', 'with-other')).toEqual({
      events: [],
      types: ['Opened', 'Closed'],
    });
    expect((await store.readStreamWithTypesOf('with-main', 'with-none')).types).toEqual([]);
  });

  it('appends to several streams all or nothing', async () => {
    await store.append('m-2', 'no_stream', [ev(1)], meta);
    await expect(
      store.appendMany(
        [
          { streamId: 'm-1', expectedVersion: 'no_stream', events: [ev(1)] },
          { streamId: 'm-2', expectedVersion: 'no_stream', events: [ev(1)] },
        ],
        meta,
      ),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await store.streamVersion('m-1')).toBeNull();
    expect(await store.readStream('m-1')).toEqual([]);
  });

  it("appends to each stream at its own expected version in the caller's transaction, or to none", async () => {
    const each = (versions: ['e-1' | 'e-2', 'no_stream' | number][]) =>
      db.dataSource.transaction((manager) =>
        store.appendEach(
          versions.map(([streamId, expectedVersion]) => ({
            streamId,
            expectedVersion,
            events: [ev(1)],
            metadata: meta,
          })),
          {},
          manager,
        ),
      );
    const first = await each([
      ['e-1', 'no_stream'],
      ['e-2', 'no_stream'],
    ]);
    expect(first.map((r) => r.nextExpectedVersion)).toEqual([1, 1]);

    // e-1 at its version, e-2 stale: neither is written.
    await expect(
      each([
        ['e-1', 1],
        ['e-2', 'no_stream'],
      ]),
    ).rejects.toMatchObject({ name: 'ConcurrencyError', streamId: 'e-2' });
    expect(await store.streamVersion('e-1')).toBe(1);
    expect(await store.streamVersion('e-2')).toBe(1);

    await each([
      ['e-1', 1],
      ['e-2', 1],
    ]);
    expect((await store.readStream('e-2')).map((e) => e.version)).toEqual([1, 2]);
  });

  it('appends while another stream stands unchanged, or not at all', async () => {
    await store.append('s-watched', 'no_stream', [ev(1)], meta);
    await store.append('s-main', 'no_stream', [ev(1)], meta);
    const result = await store.appendWhileUnchanged(
      { streamId: 's-main', expectedVersion: 1, events: [ev(2)] },
      [
        { streamId: 's-watched', version: 1 },
        { streamId: 's-never-written', version: 0 },
      ],
      meta,
    );
    expect(result.nextExpectedVersion).toBe(2);
    await expect(
      store.appendWhileUnchanged(
        { streamId: 's-main', expectedVersion: 2, events: [ev(3)] },
        [{ streamId: 's-watched', version: 0 }],
        meta,
      ),
    ).rejects.toMatchObject({ name: 'ConcurrencyError', streamId: 's-watched', actual: 1 });
    expect(await store.streamVersion('s-main')).toBe(2);
    expect((await store.readStream('s-main')).length).toBe(2);
  });

  it('counts a watched stream unchanged when only the types it may move by came since, and not otherwise', async () => {
    const typed = (type: string) => ({ ...ev(0), type });
    await store.append('m-watched', 'no_stream', [typed('Opened')], meta);
    await store.append('m-main', 'no_stream', [ev(1)], meta);
    await store.append('m-watched', 1, [typed('LinkUsed'), typed('LinkUsed')], meta);
    const watched = (version: number) => [
      { streamId: 'm-watched', version, wait: true, movedOnlyBy: ['LinkUsed'] },
    ];
    const written = await store.appendWhileUnchanged(
      { streamId: 'm-main', expectedVersion: 1, events: [ev(2)] },
      watched(1),
      meta,
    );
    expect(written.nextExpectedVersion).toBe(2);

    await store.append('m-watched', 3, [typed('Closed'), typed('LinkUsed')], meta);
    await expect(
      store.appendWhileUnchanged(
        { streamId: 'm-main', expectedVersion: 2, events: [ev(3)] },
        watched(3),
        meta,
      ),
    ).rejects.toMatchObject({ name: 'ConcurrencyError', streamId: 'm-watched', actual: 5 });
    // Without the types named, a use is a change like any other.
    await expect(
      store.appendWhileUnchanged(
        { streamId: 'm-main', expectedVersion: 2, events: [ev(3)] },
        [{ streamId: 'm-watched', version: 4 }],
        meta,
      ),
    ).rejects.toMatchObject({ name: 'ConcurrencyError', streamId: 'm-watched' });
    expect(
      (
        await store.appendWhileUnchanged(
          { streamId: 'm-main', expectedVersion: 2, events: [ev(3)] },
          watched(4),
          meta,
        )
      ).nextExpectedVersion,
    ).toBe(3);
  });

  it('of two writers each watching the other’s stream, never both succeed (40 races)', async () => {
    let both = 0;
    for (let round = 0; round < 40; round++) {
      const [a, b] = [`race-a-${round}`, `race-b-${round}`];
      await store.append(a, 'no_stream', [ev(0)], meta);
      const outcomes = await Promise.allSettled([
        store.appendWhileUnchanged(
          { streamId: a, expectedVersion: 1, events: [ev(1)] },
          [{ streamId: b, version: 0 }],
          meta,
        ),
        store.appendWhileUnchanged(
          { streamId: b, expectedVersion: 'no_stream', events: [ev(1)] },
          [{ streamId: a, version: 1, wait: true }],
          meta,
        ),
      ]);
      for (const o of outcomes) {
        if (o.status === 'rejected') expect(o.reason).toBeInstanceOf(ConcurrencyError);
      }
      if (outcomes.every((o) => o.status === 'fulfilled')) both += 1;
    }
    expect(both).toBe(0);
  });

  it('a: 20 concurrent appends at the same expected version: one wins, 19 conflict, no gaps', async () => {
    await store.append('race', 'no_stream', [ev(0)], meta);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => store.append('race', 1, [ev(i + 1)], meta)),
    );
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const o of lost) expect(o.reason).toBeInstanceOf(ConcurrencyError);
    const versions = (await store.readStream('race')).map((e) => e.version);
    expect(versions).toEqual([1, 2]);
  });

  it('never shows a subscriber an event past a transaction still in flight (the sequence gap)', async () => {
    const gapStore = new EventStore(db.dataSource);
    // A transaction of this database still open can hold this file's earlier events back, so wait until they
    // are all visible before taking the tail, or they would arrive in `late`.
    await untilEventsVisible(db.dataSource);
    const { checkpoint: tail } = await drainAll(gapStore, START);
    const slow = db.dataSource.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    try {
      // The slow writer takes the lower transaction id and position, then a fast one commits after it.
      await gapStore.append('gap-slow', 'no_stream', [ev(1)], meta, {}, slow.manager);
      await gapStore.append('gap-fast', 'no_stream', [ev(2)], meta);
      const early = await gapStore.readAll(tail, 100);
      expect(early.events.map((e) => e.streamId)).not.toContain('gap-fast');
      await slow.commitTransaction();
    } finally {
      await slow.release();
    }
    await untilEventsVisible(db.dataSource);
    const late = await drainAll(gapStore, tail);
    expect(late.events.map((e) => e.streamId)).toEqual(['gap-slow', 'gap-fast']);
  });

  it('b: 8 writers x 2,000 events, some holding transactions open; a live subscriber sees each once, in order', async () => {
    await untilEventsVisible(db.dataSource);
    const { checkpoint: from } = await drainAll(store, START);
    const writers = 8;
    const perWriter = 2000;
    const perAppend = 10;
    let writing = true;
    const seen: StoredEvent[] = [];
    const subscriber = (async () => {
      let checkpoint = from;
      while (writing || seen.length < writers * perWriter) {
        const batch = await store.readAll(checkpoint, 250);
        seen.push(...batch.events);
        checkpoint = batch.checkpoint;
        if (batch.events.length === 0) await new Promise((r) => setTimeout(r, 5));
      }
    })();
    await Promise.all(
      Array.from({ length: writers }, async (_, w) => {
        for (let a = 0; a < perWriter / perAppend; a++) {
          const streamId = `w${w}-s${a % 5}`;
          const events = Array.from({ length: perAppend }, (_, i) => ({
            type: 'Written',
            data: { w, seq: a * perAppend + i },
          }));
          if (w % 2 === 0 && a % 10 === 0) {
            // Hold this transaction open across other writers' commits before committing it.
            await db.dataSource.transaction(async (manager) => {
              await store.append(streamId, 'any', events, meta, {}, manager);
              await new Promise((r) => setTimeout(r, 15));
            });
          } else {
            await store.append(streamId, 'any', events, meta);
          }
        }
      }),
    );
    writing = false;
    await subscriber;

    expect(seen).toHaveLength(writers * perWriter);
    expect(new Set(seen.map((e) => e.globalPosition)).size).toBe(writers * perWriter);
    for (let i = 1; i < seen.length; i++) {
      const [a, b] = [seen[i - 1], seen[i]];
      const ordered =
        BigInt(a.transactionId) < BigInt(b.transactionId) ||
        (a.transactionId === b.transactionId && a.globalPosition < b.globalPosition);
      expect(ordered).toBe(true);
    }
    const lastVersion = new Map<string, number>();
    const lastSeq = new Map<number, number>();
    for (const e of seen) {
      expect(e.version).toBe((lastVersion.get(e.streamId) ?? 0) + 1);
      lastVersion.set(e.streamId, e.version);
      const { w, seq } = e.data as { w: number; seq: number };
      expect(seq).toBe((lastSeq.get(w) ?? -1) + 1);
      lastSeq.set(w, seq);
    }
  });

  it('orders subscribers by transaction id as a number, across a change in its digit count', async () => {
    // Real transaction ids are far above these, so from the start these three rows come first.
    await db.dataSource.query(
      `INSERT INTO streams (stream_id, version) VALUES ('digits', 3);
       INSERT INTO events (stream_id, version, type, data, metadata, transaction_id) VALUES
         ('digits', 1, 'Counted', '{}', '{}', '9'), ('digits', 2, 'Counted', '{}', '{}', '10'),
         ('digits', 3, 'Counted', '{}', '{}', '100')`,
    );
    const seen: string[] = [];
    let checkpoint = START;
    for (let i = 0; i < 3; i++) {
      const batch = await store.readAll(checkpoint, 1);
      seen.push(...batch.events.map((e) => e.transactionId));
      checkpoint = batch.checkpoint;
    }
    expect(seen).toEqual(['9', '10', '100']);
  });

  it('reads old schema versions through upcasters without rewriting the row', async () => {
    await db.dataSource.query(
      `INSERT INTO streams (stream_id, version) VALUES ('up', 1);
       INSERT INTO events (stream_id, version, type, schema_version, data, metadata)
       VALUES ('up', 1, 'MeasureNamed', 1, '{"name":"S1 text"}', '{}')`,
    );
    const upcasting = new EventStore(
      db.dataSource,
      new Upcasters([
        {
          type: 'MeasureNamed',
          fromSchemaVersion: 1,
          upcast: (d) => ({ text: (d as { name: string }).name }),
        },
        { type: 'MeasureNamed', fromSchemaVersion: 2, upcast: (d) => ({ ...(d as object), ref: 'S1' }) },
      ]),
    );
    const [event] = await upcasting.readStream('up');
    expect(event.schemaVersion).toBe(3);
    expect(event.data).toEqual({ text: 'S1 text', ref: 'S1' });
    const [raw] = await db.dataSource.query(`SELECT data FROM events WHERE stream_id = 'up'`);
    expect(raw.data).toEqual({ name: 'S1 text' });
  });

  it('reads several whole streams at once: each once however often it is named, as it stood at an instant', async () => {
    await store.append('many-a', 'no_stream', [ev(1)], meta, {
      recordedAt: new Date('2021-01-01T00:00:00Z'),
    });
    await store.append('many-a', 1, [ev(2)], meta, { recordedAt: new Date('2021-06-01T00:00:00Z') });
    await store.append('many-b', 'no_stream', [ev(1), ev(2)], meta, {
      recordedAt: new Date('2021-01-01T00:00:00Z'),
    });
    const versions = (streams: Map<string, StoredEvent[]>) =>
      [...streams].map(([id, events]) => [id, events.map((e) => [e.streamId, e.version])]);
    expect(versions(await store.readStreams(['many-b', 'many-a', 'many-none', 'many-b']))).toEqual([
      [
        'many-b',
        [
          ['many-b', 1],
          ['many-b', 2],
        ],
      ],
      [
        'many-a',
        [
          ['many-a', 1],
          ['many-a', 2],
        ],
      ],
      ['many-none', []],
    ]);
    expect(
      versions(await store.readStreams(['many-a', 'many-b'], { asAt: new Date('2021-03-01T00:00:00Z') })),
    ).toEqual([
      ['many-a', [['many-a', 1]]],
      [
        'many-b',
        [
          ['many-b', 1],
          ['many-b', 2],
        ],
      ],
    ]);
    expect(await store.streamVersions(['many-a', 'many-none', 'many-a', 'many-b'])).toEqual(
      new Map([
        ['many-a', 2],
        ['many-b', 2],
      ]),
    );
  });

  it('reads several streams from a version each, in one round trip, through the upcasters', async () => {
    await store.append('tail-a', 'no_stream', [ev(1), ev(2), ev(3)], meta);
    await store.append('tail-b', 'no_stream', [ev(1), ev(2)], meta);
    await store.append('tail-c', 'no_stream', [ev(1)], meta);
    const tails = await store.readStreamTails(
      new Map([
        ['tail-a', 2],
        ['tail-b', 1],
        ['tail-c', 2],
        ['tail-missing', 1],
      ]),
    );
    expect(
      [...tails].map(([id, events]) => [id, events.map((e) => [e.streamId, e.version, e.data])]),
    ).toEqual([
      [
        'tail-a',
        [
          ['tail-a', 2, { n: 2 }],
          ['tail-a', 3, { n: 3 }],
        ],
      ],
      [
        'tail-b',
        [
          ['tail-b', 1, { n: 1 }],
          ['tail-b', 2, { n: 2 }],
        ],
      ],
      ['tail-c', []],
      ['tail-missing', []],
    ]);
    const upcasting = new EventStore(
      db.dataSource,
      new Upcasters([
        { type: 'Counted', fromSchemaVersion: 1, upcast: (d) => ({ ...(d as object), up: true }) },
      ]),
    );
    const [event] = (await upcasting.readStreamTails(new Map([['tail-c', 1]]))).get('tail-c')!;
    expect(event.data).toEqual({ n: 1, up: true });
  });
});

async function drainAll(store: EventStore, from: typeof START) {
  const events: StoredEvent[] = [];
  let checkpoint = from;
  for (;;) {
    const batch = await store.readAll(checkpoint, 1000);
    if (batch.events.length === 0) return { events, checkpoint };
    events.push(...batch.events);
    checkpoint = batch.checkpoint;
  }
}
