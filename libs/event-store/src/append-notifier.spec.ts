import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createTestDatabase, TestDatabase } from '../../../test/support/test-database.js';
import { eventually } from '../../../test/support/eventually.js';
import { AppendNotifier, MIN_GAP_MS } from './append-notifier.js';
import { EVENTS_APPENDED } from './append-wake-ups.js';
import { EventMetadata } from './event.js';
import { EventStore } from './event-store.js';

const meta: EventMetadata = { actorId: 'system', actorRole: 'system', correlationId: 'notifier-1' };
const ev = (n: number) => ({ type: 'Counted', data: { n } });

describe('the append notifier: a notification at most every few ms, the last commit always announced (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let listener: Client;
  /** Each notification heard, with the last position a read right after it saw (what a woken processor reads). */
  let heard: { at: number; readThrough: number }[];

  const LAST = 'SELECT max(global_position) AS last FROM events';
  const lastPosition = async (sql: Client | TestDatabase['dataSource']) => {
    const rows: { last: string | null }[] =
      sql instanceof Client ? (await sql.query<{ last: string | null }>(LAST)).rows : await sql.query(LAST);
    return Number(rows[0].last ?? 0);
  };

  beforeAll(async () => {
    db = await createTestDatabase('append_notifier');
    store = new EventStore(db.dataSource);
    listener = new Client({ connectionString: db.url });
    await listener.connect();
    // Reads run one at a time on the listener's connection, in the order the notifications came.
    let reading = Promise.resolve();
    listener.on('notification', () => {
      const at = performance.now();
      reading = reading.then(async () => {
        heard.push({ at, readThrough: await lastPosition(listener) });
      });
    });
    await listener.query(`LISTEN ${EVENTS_APPENDED}`);
  });
  beforeEach(async () => {
    // Past any notification of the test before.
    await AppendNotifier.of(db.dataSource).idle();
    await new Promise((r) => setTimeout(r, 100));
    heard = [];
  });
  afterAll(async () => {
    await listener.end();
    await db.drop();
  });

  it('a lone append after a quiet spell makes one notification, and a read after it sees the append', async () => {
    await store.append('lone', 'no_stream', [ev(1)], meta);
    const last = await lastPosition(db.dataSource);

    await eventually(async () => heard.length === 1);
    await new Promise((r) => setTimeout(r, 100));
    expect(heard).toHaveLength(1);
    expect(heard[0].readThrough).toBe(last);
  });

  it('back-to-back appends from one writer make one notification a gap at most, and a read after the last one sees every append', async () => {
    const started = performance.now();
    for (let i = 1; i <= 300; i++) await store.append(`steady-${i}`, 'no_stream', [ev(i)], meta);
    const elapsed = performance.now() - started;
    const last = await lastPosition(db.dataSource);

    // The commit of the last append is announced by a notification sent after it, even though it came within
    // a gap of the one before.
    await eventually(async () => heard.at(-1)?.readThrough === last);
    // Throttled: one per append would be some 300 (about 250 before the gap, coalesced only while one was in
    // flight). The first goes at once and each later one about a gap after the one before; the timers' clock
    // is a millisecond coarse, so allow twice as many.
    expect(heard.length).toBeLessThanOrEqual(Math.ceil(elapsed / (MIN_GAP_MS / 2)) + 2);
  });

  it('idle() sends a held-back notification at once and resolves when it has been sent', async () => {
    // The clock stands still unless moved: on a busy machine more than a gap can pass between two lines.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
    try {
      // A DataSource of its own that only counts the notifications it is asked to send.
      const sent: number[] = [];
      const stub = {
        isInitialized: true,
        subscribers: [] as unknown[],
        query: () => {
          sent.push(performance.now());
          return Promise.resolve([]);
        },
      } as unknown as DataSource;
      const notifier = AppendNotifier.of(stub);

      notifier.appendedThrough(null); // sent at once
      await notifier.idle();
      expect(sent).toHaveLength(1);
      notifier.appendedThrough(null); // within the gap of the first: held back
      notifier.appendedThrough(null); // covered by the held one
      expect(sent).toHaveLength(1);
      await notifier.idle();
      expect(sent).toHaveLength(2);
      jest.advanceTimersByTime(MIN_GAP_MS * 4);
      await notifier.idle();
      expect(sent).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
