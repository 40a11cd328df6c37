import { Client } from 'pg';
import { EntityManager } from 'typeorm';
import { eventually } from '../../../test/support/eventually.js';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database.js';
import { EventMetadata, StoredEvent } from './event.js';
import { EventProcessor } from './event-processor.js';
import { EventStore } from './event-store.js';
import { LogCheckpoints } from './log-integrity/log-checkpoints.js';

const meta: EventMetadata = { actorId: 'system', actorRole: 'system', correlationId: 'fence-1' };
const ev = (n: number) => ({ type: 'Counted', data: { n } });

/**
 * The fence is this database's own: a transaction open in another database of the same server holds nothing
 * back here, while a transaction of this database with a lower id still holds back every later one until it
 * ends, so nothing is ever skipped. Deterministic: each transaction is opened, given its id and ended by hand.
 */
describe('the per-database fence (real PostgreSQL, two databases on one server)', () => {
  let db: TestDatabase;
  let other: TestDatabase;
  let store: EventStore;
  let longInOther: Client;
  let otherXid: bigint;
  let applied: StoredEvent[];
  let processor: EventProcessor;

  beforeAll(async () => {
    db = await createTestDatabase('fence');
    other = await createTestDatabase('fence_other');
    store = new EventStore(db.dataSource);
    // A long transaction in the other database, holding a transaction id lower than any this test takes here.
    longInOther = new Client({ connectionString: other.url });
    await longInOther.connect();
    await longInOther.query('BEGIN');
    const [row] = (await longInOther.query('SELECT pg_current_xact_id()::text AS xid')).rows as {
      xid: string;
    }[];
    otherXid = BigInt(row.xid);
  });

  afterAll(async () => {
    await longInOther.query('ROLLBACK').catch(() => undefined);
    await longInOther.end();
    await other.drop();
    await db.drop();
  });

  let processors = 0;
  beforeEach(async () => {
    processors += 1;
    processor = new EventProcessor(db.dataSource, store, {
      name: `fence-${processors}`,
      handle: (events: StoredEvent[], _m: EntityManager) => {
        applied.push(...events);
        return Promise.resolve();
      },
    });
    // Past the earlier tests' events first: each test sees only its own. Another database's transaction ending
    // as the fence is read can hold it for an instant (see the checkpoint test), and a drain then stops short: the
    // earlier events turned up in the next test's first drain (a fresh-clone CI run). So drain until every event
    // committed so far is behind this processor.
    applied = [];
    const [{ last }]: { last: string | null }[] = await db.dataSource.query(
      'SELECT max(global_position)::text AS last FROM events',
    );
    await eventually(async () => {
      await processor.drain();
      return last === null || applied.some((e) => e.globalPosition >= Number(last)) ? true : null;
    }, 5_000);
    applied = [];
  });
  afterEach(() => processor.stop());

  /**
   * Drains until `count` events have been applied. Another database's transaction ending as the fence is read can
   * hold it for an instant, so one drain may stop short; the long transaction in the other database stays open
   * throughout, so a fence held by it would never let them through.
   */
  const drainUntil = (count: number) =>
    eventually(async () => {
      await processor.drain();
      return applied.length >= count ? true : null;
    }, 5_000);

  /** Whether the old, server-wide fence would hold back this transaction id: proves each test could fail. */
  const serverWideFenceHolds = async (xid: string) => {
    const [row]: { held: boolean }[] = await db.dataSource.query(
      'SELECT pg_snapshot_xmin(pg_current_snapshot()) <= $1::xid8 AS held',
      [xid],
    );
    return row.held;
  };

  it('a long transaction in another database does not hold back this database’s processors', async () => {
    await store.append('quick', 'no_stream', [ev(1), ev(2)], meta);

    await drainUntil(2);

    expect(applied.map((e) => e.streamId)).toEqual(['quick', 'quick']);
    expect(BigInt(applied[0].transactionId)).toBeGreaterThan(otherXid);
    // The server-wide fence would have held these events back until the other database's transaction ended.
    expect(await serverWideFenceHolds(applied[0].transactionId)).toBe(true);
  });

  it('a long transaction in another database does not hold back this database’s log checkpoint', async () => {
    await store.append('checkpointed', 'no_stream', [ev(1)], meta);
    const [{ position }]: { position: string }[] = await db.dataSource.query(
      `SELECT max(global_position)::text AS position FROM events`,
    );

    // Other databases' transactions (the rest of the suite runs beside this file) can hold the fence for an
    // instant: one in the snapshot that has ended before pg_stat_activity is read counts, cautiously, as this
    // database's. A checkpoint taken then is null, or covers only the events before this append (a fresh-clone
    // CI run took one at the first test's position 2). So checkpoints are taken until one covers this append;
    // the other database's long transaction stays open all along, so a fence held by it would never let one
    // through. A later checkpoint's position is its predecessor's own event, past this append.
    const checkpoints = new LogCheckpoints(db.dataSource, store);
    const digest = await eventually(async () => {
      const taken = await checkpoints.take();
      return taken && taken.position >= Number(position) ? taken : null;
    }, 5_000);

    expect(digest.position).toBeGreaterThanOrEqual(Number(position));
    expect(BigInt(digest.fence)).toBeGreaterThan(otherXid);
    // The server-wide fence took no checkpoint here: nothing of this database was under it.
    expect(await serverWideFenceHolds(otherXid.toString())).toBe(true);
  });

  it('a lower transaction id of this database committing late holds back the later ones, and none is skipped', async () => {
    const slow = db.dataSource.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    try {
      // The slow writer takes the lower transaction id first, then a later-numbered one appends and commits.
      await store.append('slow', 'no_stream', [ev(1)], meta, {}, slow.manager);
      await store.append('fast', 'no_stream', [ev(2)], meta);

      await processor.drain();
      expect(applied).toEqual([]);

      await slow.commitTransaction();
    } finally {
      await slow.release();
    }
    await drainUntil(2);

    expect(applied.map((e) => e.streamId)).toEqual(['slow', 'fast']);
    const [slowXid, fastXid] = applied.map((e) => BigInt(e.transactionId));
    expect(otherXid < slowXid && slowXid < fastXid).toBe(true);
    expect(await serverWideFenceHolds(applied[1].transactionId)).toBe(true);
  });

  it('a transaction of this database that took its id before it appends holds the fence from that moment', async () => {
    // It gets an id by writing something else first: a fence built from registered appenders would miss it.
    const early = db.dataSource.createQueryRunner();
    await early.connect();
    await early.startTransaction();
    try {
      await early.query('CREATE TEMPORARY TABLE scratch (n integer)');
      await early.query('INSERT INTO scratch VALUES (1)');
      await store.append('later-id', 'no_stream', [ev(1)], meta);

      await processor.drain();
      expect(applied).toEqual([]);

      await store.append('earlier-id', 'no_stream', [ev(2)], meta, {}, early.manager);
      await early.commitTransaction();
    } finally {
      await early.release();
    }
    await drainUntil(2);

    expect(applied.map((e) => e.streamId)).toEqual(['earlier-id', 'later-id']);
  });
});
