import { moveServerPastRestoredTransactions } from '../scripts/restore.js';
import { EventStore } from '../libs/event-store/src/index.js';
import { createTestDatabase, TestDatabase, untilEventsVisible } from './support/test-database.js';

/**
 * A database restored onto another server may carry transaction ids the server has not reached yet. The restore
 * moves the server past them, rather than renumbering them (digests name them as fences): then the restored
 * events are behind the processors' fence again. The ids "from another server" are made here by moving one event's
 * id ahead of this server's.
 */
describe('restore onto a server whose transaction ids are behind (e2e, real PostgreSQL)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('restore_xids');
  });
  afterAll(() => db.drop());

  it('moves the server past the restored ids, so the events are read again; a second run has nothing to do', async () => {
    const store = new EventStore(db.dataSource);
    const meta = { actorId: 'restore-test', actorRole: 'coordinator', correlationId: 'c-1' };
    await store.append(
      'cycle:restored',
      'no_stream',
      [{ type: 'CycleDrafted', data: { id: 'restored' } }],
      meta,
    );
    await untilEventsVisible(db.dataSource);
    await db.dataSource.query(
      `UPDATE events SET transaction_id = (pg_snapshot_xmax(pg_current_snapshot())::text::bigint + 2500)::text::xid8
       WHERE stream_id = 'cycle:restored'`,
    );
    const behindFence = `SELECT count(*)::int AS n FROM events WHERE transaction_id >= (SELECT event_fence())`;
    expect(await db.dataSource.query(behindFence)).toEqual([{ n: 1 }]);

    const progress: string[] = [];
    const moved = await moveServerPastRestoredTransactions(db.dataSource, {
      write: (t: string) => progress.push(t),
    });
    expect(moved).toBeGreaterThanOrEqual(2500);
    expect(moved).toBeLessThan(2600);
    expect(progress.join('')).toContain('behind the restored events');
    expect(await db.dataSource.query(behindFence)).toEqual([{ n: 0 }]);
    expect(await moveServerPastRestoredTransactions(db.dataSource, { write: () => true })).toBe(0);
  });
});
