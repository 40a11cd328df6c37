import { digestNow } from '../../../test/support/log-digest.js';
import { withOneConnectionLeft } from '../../../test/support/pool.js';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database.js';
import { EventMetadata } from './event.js';
import { EventStore } from './event-store.js';
import { LogCheckpoints } from './log-integrity/log-checkpoints.js';
import { verifyLog } from './log-integrity/log-verifier.js';

const meta = (correlationId: string): EventMetadata => ({
  actorId: 'system',
  actorRole: 'system',
  correlationId,
});
const at = new Date('2026-12-05T02:30:00.123Z');

/**
 * appendEachAnyVersion with one event to each of several streams is one statement (see append-statements.ts,
 * oneEachAnyVersion): each stream must come out exactly as if it had been appended to alone, hash chain included.
 */
describe('appending one event to each of several streams at once (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('append_one_each');
    store = new EventStore(db.dataSource);
    await store.append('mail:a', 'no_stream', [{ type: 'MailClaimed', data: { n: 1 } }], meta('before'));
    await store.append(
      'mail:b',
      'no_stream',
      [
        { type: 'MailClaimed', data: { n: 1 } },
        { type: 'MailSent', data: { n: 2 } },
      ],
      meta('before'),
    );
  });
  afterAll(() => db.drop());

  const batch = [
    // An existing stream, a new one with personal data in its event, another existing one, a new one.
    {
      streamId: 'mail:b',
      events: [{ type: 'MailSent', data: { n: 3, text: 'Ünïcode “quotes” \\ \u2028' } }],
      metadata: meta('c-b'),
    },
    {
      streamId: 'mail:new-1',
      events: [
        { type: 'DigestSent', data: { recipient: 'Lead@Example.org', list: [1.5, -2, { z: 1, a: null }] } },
      ],
      metadata: meta('c-n1'),
    },
    {
      streamId: 'mail:a',
      events: [{ type: 'MailSent', data: { n: 2 }, schemaVersion: 2 }],
      metadata: meta('c-a'),
    },
    { streamId: 'mail:new-2', events: [{ type: 'MailClaimed', data: {} }], metadata: meta('c-n2') },
  ];

  interface Row {
    stream_id: string;
    version: number;
    hash: string;
  }
  /** The events of `streams` recorded at `at`, by stream id. */
  const rowsOf = async (sql: Pick<typeof db.dataSource, 'query'>, streams: string[]): Promise<Row[]> =>
    sql.query(
      `SELECT stream_id, version, encode(hash, 'hex') AS hash FROM events
       WHERE stream_id = ANY($1) AND recorded_at = $2 ORDER BY stream_id`,
      [streams, at.toISOString()],
    );
  // A sealed address is sealed afresh (a new IV) each time, so that stream's hash differs by design; the log's
  // verification covers its chain.
  const unsealed = (rows: Row[]) => rows.filter((r) => r.stream_id !== 'mail:new-1');

  it('writes what appending to each stream alone writes, in the order given, and the log verifies', async () => {
    const streams = batch.map((a) => a.streamId);
    // Alone, one append a stream, in a transaction rolled back: the hashes each stream should get.
    const alone = db.dataSource.createQueryRunner();
    await alone.connect();
    await alone.startTransaction();
    let expected: Row[];
    try {
      for (const a of batch) {
        await store.append(a.streamId, 'any', a.events, a.metadata, { recordedAt: at }, alone.manager);
      }
      expected = await rowsOf(alone, streams);
    } finally {
      await alone.rollbackTransaction();
      await alone.release();
    }
    expect(expected).toHaveLength(4);

    const results = await db.dataSource.transaction((m) =>
      store.appendEachAnyVersion(batch, { recordedAt: at }, m),
    );
    expect(results.map((r) => r.nextExpectedVersion)).toEqual([3, 1, 2, 1]);
    const positions = results.map((r) => r.firstPosition);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    expect(results.every((r) => r.firstPosition === r.lastPosition)).toBe(true);
    const inOrder: { stream_id: string }[] = await db.dataSource.query(
      'SELECT stream_id FROM events WHERE global_position = ANY($1) ORDER BY global_position',
      [positions],
    );
    expect(inOrder.map((r) => r.stream_id)).toEqual(streams);
    expect(unsealed(await rowsOf(db.dataSource, streams))).toEqual(unsealed(expected));

    // Read back as written: the address sealed at rest, opened on read.
    const [digest] = await store.readStream('mail:new-1');
    expect(digest.data).toEqual({ recipient: 'Lead@Example.org', list: [1.5, -2, { z: 1, a: null }] });
    expect(digest.metadata).toEqual(meta('c-n1'));
    const [raw] = await db.dataSource.query(
      `SELECT data::text AS data FROM events WHERE stream_id = 'mail:new-1'`,
    );
    expect(raw.data).not.toContain('Lead@Example.org');
    expect((await store.readStream('mail:a')).map((e) => [e.version, e.schemaVersion])).toEqual([
      [1, 1],
      [2, 2],
    ]);

    const digestOutside = await digestNow(new LogCheckpoints(db.dataSource, store));
    expect(await verifyLog(db.dataSource, digestOutside)).toMatchObject({ ok: true });
  });

  it('writes, at expected versions, what appending to each stream alone at its version writes', async () => {
    await store.append('chase:x', 'no_stream', [{ type: 'AgencyChased', data: { step: 1 } }], meta('x'));
    const atVersion = [
      { streamId: 'chase:y', expectedVersion: 'no_stream' as const, step: 1 },
      { streamId: 'chase:x', expectedVersion: 1, step: 2 },
    ].map(({ streamId, expectedVersion, step }) => ({
      streamId,
      expectedVersion,
      events: [{ type: 'AgencyChased', data: { step } }],
      metadata: meta(`v-${streamId}`),
    }));
    const streams = atVersion.map((a) => a.streamId);
    const alone = db.dataSource.createQueryRunner();
    await alone.connect();
    await alone.startTransaction();
    let expected: Row[];
    try {
      for (const a of atVersion) {
        await store.append(
          a.streamId,
          a.expectedVersion,
          a.events,
          a.metadata,
          { recordedAt: at },
          alone.manager,
        );
      }
      expected = await rowsOf(alone, streams);
    } finally {
      await alone.rollbackTransaction();
      await alone.release();
    }
    expect(expected.map((r) => [r.stream_id, r.version])).toEqual([
      ['chase:x', 2],
      ['chase:y', 1],
    ]);

    const prepared = await db.dataSource.transaction(async (m) => {
      const results = await store.appendEach(atVersion, { recordedAt: at }, m);
      expect(results.map((r) => r.nextExpectedVersion)).toEqual([1, 2]);
      const names: { name: string }[] = await m.query('SELECT name FROM pg_prepared_statements');
      return names.map((n) => n.name);
    });
    // One statement for the batch, not one append a stream.
    expect(prepared).toContain('event_store_append_one_each_at_version');
    expect(await rowsOf(db.dataSource, streams)).toEqual(expected);
    const digestOutside = await digestNow(new LogCheckpoints(db.dataSource, store));
    expect(await verifyLog(db.dataSource, digestOutside)).toMatchObject({ ok: true });
  });

  it('appends none of a batch at versions when one stream is not at its own, missing or present', async () => {
    const chase = (streamId: string, expectedVersion: 'no_stream' | number) => ({
      streamId,
      expectedVersion,
      events: [{ type: 'AgencyChased', data: {} }],
      metadata: meta('stale'),
    });
    const before = await store.streamVersion('chase:x');
    for (const [stale, actual] of [
      [chase('chase:x', 'no_stream'), before], // exists
      [chase('chase:x', before! - 1), before], // moved on
      [chase('chase:never', 4), null], // expected to exist, missing
    ] as const) {
      // All in the transaction's connection: the pool's others are held (by chase jobs doing the same, say).
      await expect(
        withOneConnectionLeft(db.dataSource, () =>
          db.dataSource.transaction((m) =>
            store.appendEach([chase('chase:fresh', 'no_stream'), stale], {}, m),
          ),
        ),
      ).rejects.toMatchObject({ name: 'ConcurrencyError', streamId: stale.streamId, actual });
      expect(await store.streamVersion('chase:x')).toBe(before);
      expect(await store.streamVersion('chase:fresh')).toBeNull();
      expect(await store.streamVersion('chase:never')).toBeNull();
    }
  });

  it('takes a stream named twice in a batch, one event after the other', async () => {
    const results = await db.dataSource.transaction((m) =>
      store.appendEachAnyVersion(
        [
          { streamId: 'mail:twice', events: [{ type: 'MailClaimed', data: {} }], metadata: meta('t-1') },
          { streamId: 'mail:twice', events: [{ type: 'MailSent', data: {} }], metadata: meta('t-2') },
          { streamId: 'mail:other', events: [{ type: 'MailClaimed', data: {} }], metadata: meta('t-3') },
        ],
        {},
        m,
      ),
    );
    expect(results.map((r) => r.nextExpectedVersion)).toEqual([1, 2, 1]);
    expect((await store.readStream('mail:twice')).map((e) => e.metadata.correlationId)).toEqual([
      't-1',
      't-2',
    ]);
  });

  it('appends nothing of the batch when the transaction it ran in rolls back', async () => {
    await expect(
      db.dataSource.transaction(async (m) => {
        await store.appendEachAnyVersion(
          [
            { streamId: 'mail:a', events: [{ type: 'MailSent', data: {} }], metadata: meta('r-1') },
            { streamId: 'mail:rolled-back', events: [{ type: 'MailSent', data: {} }], metadata: meta('r-2') },
          ],
          {},
          m,
        );
        throw new Error('the caller fails after');
      }),
    ).rejects.toThrow('the caller fails after');
    expect(await store.streamVersion('mail:a')).toBe(2);
    expect(await store.streamVersion('mail:rolled-back')).toBeNull();
  });
});
