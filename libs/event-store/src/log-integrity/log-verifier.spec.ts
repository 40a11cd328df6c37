import { digestNow } from '../../../../test/support/log-digest.js';
import { QueryRunner } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database.js';
import { EventMetadata } from '../event.js';
import { EventStore } from '../event-store.js';
import { chainExistingEvents } from './chain-existing-events.js';
import { LOG_CHECKPOINTS_STREAM, LogDigest } from './log-digest.js';
import { LogCheckpoints } from './log-checkpoints.js';
import { parseDigestArgument, verifyLog } from './log-verifier.js';
import { rootOfHeads } from './stream-heads.js';

const meta: EventMetadata = { actorId: 'coordinator-1', actorRole: 'coordinator', correlationId: 'c-1' };
const ev = (n: number, extra: object = {}) => ({ type: 'ReturnDraftSaved', data: { n, ...extra } });

describe('the tamper-evident log (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let checkpoints: LogCheckpoints;
  /** The digest as printed outside the database, before any test tampers with anything. */
  let outside: LogDigest;

  /** Position of an event, as the verifier should name it. */
  const positionOf = async (q: QueryRunner, streamId: string, version: number) => {
    const [row] = await q.query('SELECT global_position FROM events WHERE stream_id = $1 AND version = $2', [
      streamId,
      version,
    ]);
    return Number(row.global_position);
  };

  /** Tampers inside a transaction that is rolled back, so each test starts from the same clean log. */
  async function tampered<T>(attack: (q: QueryRunner) => Promise<T>): Promise<T> {
    const q = db.dataSource.createQueryRunner();
    await q.connect();
    await q.startTransaction();
    try {
      return await attack(q);
    } finally {
      await q.rollbackTransaction();
      await q.release();
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase('tamper');
    store = new EventStore(db.dataSource);
    checkpoints = new LogCheckpoints(db.dataSource, store);
    await store.append('return:y1:S1', 'no_stream', [ev(1)], meta);
    await store.append(
      'return:y1:S1',
      1,
      [ev(2), ev(3, { narrative: 'Ünïcode “quotes”', at: new Date(0) })],
      meta,
    );
    await store.append('return:y1:S1', 'any', [ev(4, { list: [1.5, -2, { z: 1, a: null }] })], meta);
    await store.append('return:y1:S2', 'any', [ev(1), ev(2)], {
      ...meta,
      reason: 'sent back',
      causationId: undefined as never,
    });
    await store.append('cycle:y1', 'no_stream', [{ type: 'CycleOpened', data: { b: 2, a: 1 } }], meta, {
      recordedAt: new Date('2020-04-30T12:00:00.123Z'),
    });
    await store.append('cycle:y1', 1, [{ type: 'CycleClosed', data: {}, schemaVersion: 2 }], meta);
    outside = await digestNow(checkpoints);
  });
  afterAll(() => db.drop());

  it('a clean log verifies against the digest, counting every event', async () => {
    expect(outside).toMatchObject({ streams: 3, root: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await checkpoints.latest()).toEqual(outside);
    const [{ max }] = await db.dataSource.query(`SELECT max(global_position)::int AS max FROM events`);
    expect(outside.position).toBe(max - 1); // the checkpoint's own event is the last, outside its fence
    const result = await verifyLog(db.dataSource, { root: outside.root, fence: outside.fence });
    expect(result).toEqual({
      ok: true,
      events: 9,
      streams: 3,
      fence: outside.fence,
      position: outside.position,
    });
    // A bare root is found through the checkpoint that records it.
    expect(await verifyLog(db.dataSource, { root: outside.root })).toMatchObject({ ok: true });
  });

  it("an event's data changed with SQL is named", async () => {
    const result = await tampered(async (q) => {
      await q.query(
        `UPDATE events SET data = '{"n": 2, "rag": "green"}' WHERE stream_id = 'return:y1:S1' AND version = 2`,
      );
      return { verification: await verifyLog(q, outside), position: await positionOf(q, 'return:y1:S1', 2) };
    });
    expect(result.verification).toMatchObject({
      ok: false,
      event: { globalPosition: result.position, streamId: 'return:y1:S1', version: 2 },
    });
  });

  it('an event removed with SQL is caught at the event after the gap', async () => {
    const result = await tampered(async (q) => {
      await q.query(`DELETE FROM events WHERE stream_id = 'return:y1:S1' AND version = 2`);
      return { verification: await verifyLog(q, outside), position: await positionOf(q, 'return:y1:S1', 3) };
    });
    expect(result.verification).toMatchObject({
      ok: false,
      event: {
        globalPosition: result.position,
        streamId: 'return:y1:S1',
        version: 3,
        reason: expect.stringContaining('missing'),
      },
    });
  });

  it("a stream's last event removed (and its row set back) is caught by the root", async () => {
    const verification = await tampered(async (q) => {
      await q.query(`DELETE FROM events WHERE stream_id = 'cycle:y1' AND version = 2`);
      await q.query(
        `UPDATE streams SET version = 1, head_hashes = ARRAY[(SELECT hash FROM events WHERE stream_id = 'cycle:y1')] WHERE stream_id = 'cycle:y1'`,
      );
      return verifyLog(q, outside);
    });
    expect(verification).toMatchObject({
      ok: false,
      event: null,
      reason: expect.stringContaining('not the digest'),
    });
  });

  it('a removed last event is named by the stream row when that was left alone', async () => {
    const verification = await tampered(async (q) => {
      await q.query(`DELETE FROM events WHERE stream_id = 'cycle:y1' AND version = 2`);
      return verifyLog(q, outside);
    });
    expect(verification).toMatchObject({ ok: false, event: { streamId: 'cycle:y1', version: 1 } });
  });

  it('two events reordered by swapping their versions are named (the earlier one first)', async () => {
    const result = await tampered(async (q) => {
      await q.query(`UPDATE events SET version = 100 WHERE stream_id = 'return:y1:S1' AND version = 2`);
      await q.query(`UPDATE events SET version = 2 WHERE stream_id = 'return:y1:S1' AND version = 3`);
      await q.query(`UPDATE events SET version = 3 WHERE stream_id = 'return:y1:S1' AND version = 100`);
      return { verification: await verifyLog(q, outside), position: await positionOf(q, 'return:y1:S1', 3) };
    });
    // The row that was version 2 (the lower position) is now version 3, and does not follow its new predecessor.
    expect(result.verification).toMatchObject({
      ok: false,
      event: { globalPosition: result.position, streamId: 'return:y1:S1', version: 3 },
    });
  });

  it('an attacker who rewrites a row and recomputes every hash and checkpoint in the database is caught by the outside digest', async () => {
    const result = await tampered(async (q) => {
      await q.query(
        `UPDATE events SET data = '{"n": 2, "rag": "green"}' WHERE stream_id = 'return:y1:S1' AND version = 2`,
      );
      await chainExistingEvents(q); // every stream's chain recomputed from the rows as they now stand
      // ... and every checkpoint rewritten to the root of the rewritten heads, then its own hash recomputed.
      const heads: { stream_id: string; version: number; hash: string }[] = await q.query(
        `SELECT DISTINCT ON (stream_id) stream_id, version, encode(hash, 'hex') AS hash FROM events
         WHERE transaction_id < $1::xid8 ORDER BY stream_id, version DESC`,
        [outside.fence],
      );
      const forged = rootOfHeads(
        heads.map((h) => ({ streamId: h.stream_id, version: h.version, hash: h.hash })),
      );
      await q.query(
        `UPDATE events SET data = jsonb_set(data, '{root}', to_jsonb($1::text)) WHERE stream_id = $2`,
        [forged, LOG_CHECKPOINTS_STREAM],
      );
      await chainExistingEvents(q);
      return {
        forged,
        againstOutside: await verifyLog(q, outside),
        againstBareRoot: await verifyLog(q, { root: outside.root }),
        againstForged: await verifyLog(q, { root: forged }),
      };
    });
    expect(result.forged).not.toBe(outside.root);
    // Inside the database everything agrees with everything else...
    expect(result.againstForged).toMatchObject({ ok: true });
    // ... but not with the digest printed outside it.
    expect(result.againstOutside).toMatchObject({
      ok: false,
      event: null,
      reason: expect.stringContaining(outside.root),
    });
    expect(result.againstBareRoot).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no checkpoint'),
    });
  });

  it('an event written around the store (no hash) is named', async () => {
    const verification = await tampered(async (q) => {
      await q.query(
        `INSERT INTO streams (stream_id, version) VALUES ('sneaked', 1);
         INSERT INTO events (stream_id, version, type, data, metadata) VALUES ('sneaked', 1, 'Sneaked', '{}', '{}')`,
      );
      return verifyLog(q, outside);
    });
    expect(verification).toMatchObject({
      ok: false,
      event: { streamId: 'sneaked', reason: 'it has no hash' },
    });
  });

  it('the backfill chains events stored before hashing, and appends chain on from it', async () => {
    const result = await tampered(async (q) => {
      await q.query('UPDATE events SET hash = NULL');
      await q.query('UPDATE streams SET head_hashes = NULL');
      const unhashed = await verifyLog(q, outside);
      const chained = await chainExistingEvents(q);
      const backfilled = await verifyLog(q, outside);
      await store.append('return:y1:S1', 4, [ev(5)], meta, {}, q.manager);
      const [{ fence }] = await q.query('SELECT (pg_current_xact_id()::text::bigint + 1)::text AS fence');
      const heads: { stream_id: string; version: number; hash: string }[] = await q.query(
        `SELECT DISTINCT ON (stream_id) stream_id, version, encode(hash, 'hex') AS hash FROM events
         ORDER BY stream_id, version DESC`,
      );
      const root = rootOfHeads(
        heads.map((h) => ({ streamId: h.stream_id, version: h.version, hash: h.hash })),
      );
      return { unhashed, chained, backfilled, afterAppend: await verifyLog(q, { root, fence }) };
    });
    expect(result.unhashed).toMatchObject({ ok: false, event: { reason: 'it has no hash' } });
    expect(result.chained).toBe(9);
    expect(result.backfilled).toMatchObject({ ok: true, events: 9 });
    expect(result.afterAppend).toMatchObject({ ok: true, events: 10 });
  });

  it('takes no checkpoint when nothing but the last checkpoint has happened since it', async () => {
    expect(await checkpoints.take()).toBeNull();
    await store.append('return:y1:S2', 2, [ev(3)], meta);
    const next = await checkpoints.take();
    // Now the first checkpoint's own event is under the fence too: its stream is one of the heads.
    expect(next).toMatchObject({ streams: 4 });
    expect(await checkpoints.take()).toBeNull();
    expect(await verifyLog(db.dataSource, next!)).toMatchObject({ ok: true });
  });

  it('appends to different streams still run side by side while one transaction is held open, and the checkpoint does not wait for it', async () => {
    await store.append('return:before-held', 'no_stream', [ev(1)], meta);
    const held = db.dataSource.createQueryRunner();
    await held.connect();
    await held.startTransaction();
    let during: LogDigest | null;
    try {
      await store.append('return:held', 'no_stream', [ev(1)], meta, {}, held.manager);
      const others = Promise.all([
        store.append('return:free-1', 'no_stream', [ev(1)], meta),
        store.append('return:free-2', 'no_stream', [ev(1), ev(2)], meta),
      ]);
      await expect(withinSeconds(others, 5)).resolves.toHaveLength(2);
      // Asked for a checkpoint of every event committed now, it takes none while the fence leaves two out.
      expect(await withinSeconds(checkpoints.take(undefined, { coveringAll: true }), 5)).toBeNull();
      during = await withinSeconds(checkpoints.take(), 5);
      await held.commitTransaction();
    } finally {
      if (held.isTransactionActive) await held.rollbackTransaction();
      await held.release();
    }
    // The fence stopped at the open transaction: the stream appended before it is under it, the held one and
    // the two appended while it was open (later transaction ids) are not; what is under it verifies.
    expect(during).toMatchObject({ streams: 5 });
    expect(await verifyLog(db.dataSource, during!)).toMatchObject({ ok: true, streams: 5 });
    const after = await digestNow(checkpoints);
    expect(after).toMatchObject({ streams: 8 });
    const [last] = await store.readStream(LOG_CHECKPOINTS_STREAM, { fromVersion: 4 });
    expect(last.data).toMatchObject({
      root: after.root,
      previousRoot: during!.root,
      previousFence: during!.fence,
    });
    const verified = await verifyLog(db.dataSource, after);
    const [{ count }] = await db.dataSource.query(`SELECT count(*)::int AS count FROM events`);
    expect(verified).toMatchObject({ ok: true, events: count, streams: 8 });
  });

  it('reads --digest as the printed JSON or a bare root, and refuses anything else', () => {
    expect(parseDigestArgument(JSON.stringify(outside))).toEqual({
      root: outside.root,
      fence: outside.fence,
    });
    expect(parseDigestArgument(outside.root.toUpperCase())).toEqual({ root: outside.root });
    expect(() => parseDigestArgument('abc')).toThrow(/64 hex digits/);
    expect(() => parseDigestArgument('{"root": "x"}')).toThrow(/"root"/);
  });
});

function withinSeconds<T>(promise: Promise<T>, seconds: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`not done within ${seconds} s`)), seconds * 1000);
    }),
  ]).finally(() => clearTimeout(timer));
}
