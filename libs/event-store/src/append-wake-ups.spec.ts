import { createTestDatabase, TestDatabase } from '../../../test/support/test-database.js';
import { eventually } from '../../../test/support/eventually.js';
import { AppendWakeUps } from './append-wake-ups.js';
import { EventMetadata, StoredEvent } from './event.js';
import { EventProcessor } from './event-processor.js';
import { EventStore } from './event-store.js';

const meta: EventMetadata = { actorId: 'system', actorRole: 'system', correlationId: 'wake-1' };
const ev = (n: number) => ({ type: 'Counted', data: { n } });

describe('wake-ups: an append wakes the processors at once, polling stays the fallback (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  let wakeUps: AppendWakeUps;
  const running: EventProcessor[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('wake_ups');
    store = new EventStore(db.dataSource);
    wakeUps = AppendWakeUps.of(db.dataSource)!;
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((p) => p.stop()));
  });
  afterAll(() => db.drop());

  /** A started processor recording what it applies, and whether anyone was listening when it applied it. */
  async function started(
    name: string,
    pollIntervalMs: number,
    options: { batchGapMs?: number; batchSize?: number; fromNow?: boolean } = {},
  ) {
    const applied: { streamId: string; listening: boolean; at: number }[] = [];
    /** Each batch's size and when it was applied. */
    const batches: { size: number; at: number }[] = [];
    const processor = new EventProcessor(
      db.dataSource,
      store,
      {
        name,
        batchSize: options.batchSize,
        handle: (events: StoredEvent[]) => {
          batches.push({ size: events.length, at: Date.now() });
          const listening = wakeUps.listeningPid !== null;
          for (const e of events) applied.push({ streamId: e.streamId, listening, at: Date.now() });
          return Promise.resolve();
        },
      },
      { pollIntervalMs, batchGapMs: options.batchGapMs },
    );
    running.push(processor);
    if (options.fromNow)
      // Its checkpoint at the last event appended so far, as a processor that has read them: it starts caught up,
      // with no batch of earlier tests' events and so no gap after it to wait out below.
      await db.dataSource.query(
        `INSERT INTO processor_checkpoints (name, transaction_id, global_position, updated_at)
         SELECT $1, transaction_id, global_position, now() FROM events
         ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
        [name],
      );
    processor.start();
    await eventually(async () => processor.isLeader && wakeUps.listeningPid !== null);
    // Past what earlier tests appended, and asleep (its gap after reading them over): from here on only a
    // wake-up or a poll reads.
    const [{ last }]: { last: string | null }[] = await db.dataSource.query(
      'SELECT max(global_position) AS last FROM events',
    );
    await eventually(async () => (await processor.checkpoint()).globalPosition >= Number(last ?? 0));
    await new Promise((r) => setTimeout(r, 200 + (options.fromNow ? 0 : (options.batchGapMs ?? 0))));
    applied.length = 0;
    batches.length = 0;
    return { processor, applied, batches };
  }

  it('a committed append is processed at once, long before the next poll', async () => {
    const { applied } = await started('woken', 60_000);

    const appendedAt = Date.now();
    await store.append('woken-1', 'no_stream', [ev(1)], meta);
    await eventually(async () => applied.length === 1, 5_000);

    expect(applied[0].streamId).toBe('woken-1');
    expect(applied[0].at - appendedAt).toBeLessThan(5_000);
  });

  it('nothing is read before the appending transaction commits, however long it stays open', async () => {
    const { applied } = await started('woken-on-commit', 60_000);
    const open = db.dataSource.createQueryRunner();
    await open.connect();
    await open.startTransaction();
    try {
      await store.append('on-commit', 'no_stream', [ev(1)], meta, {}, open.manager);
      await new Promise((r) => setTimeout(r, 300));
      expect(applied).toEqual([]);
      await open.commitTransaction();
    } finally {
      await open.release();
    }
    await eventually(async () => applied.length === 1, 5_000);
    expect(applied[0].streamId).toBe('on-commit');
  });

  it('an append inside a savepoint wakes no one until the whole transaction commits; a rolled back one never', async () => {
    const { applied } = await started('woken-on-outer-commit', 60_000);
    const open = db.dataSource.createQueryRunner();
    await open.connect();
    await open.startTransaction();
    try {
      await open.startTransaction(); // a savepoint: its release is not the commit
      await store.append('in-savepoint', 'no_stream', [ev(1)], meta, {}, open.manager);
      await open.commitTransaction();
      await new Promise((r) => setTimeout(r, 300));
      expect(applied).toEqual([]);
      await open.commitTransaction();
    } finally {
      await open.release();
    }
    await eventually(async () => applied.length === 1, 5_000);
    expect(applied[0].streamId).toBe('in-savepoint');

    const rolledBack = db.dataSource.createQueryRunner();
    await rolledBack.connect();
    await rolledBack.startTransaction();
    await store.append('rolled-back', 'no_stream', [ev(1)], meta, {}, rolledBack.manager);
    await rolledBack.rollbackTransaction();
    // The runner's next transaction appends nothing: its commit must not announce the rolled back append.
    await rolledBack.startTransaction();
    await rolledBack.commitTransaction();
    await rolledBack.release();
    await new Promise((r) => setTimeout(r, 300));
    expect(applied.map((a) => a.streamId)).toEqual(['in-savepoint']);
  });

  it('under a steady stream of appends, batches start a gap apart and gather what came meanwhile', async () => {
    const { applied, batches } = await started('gapped', 60_000, { batchGapMs: 1_000 });

    const firstAt = Date.now();
    for (let i = 1; i <= 40; i++) {
      await store.append(`gapped-${i}`, 'no_stream', [ev(i)], meta);
      await new Promise((r) => setTimeout(r, 25));
    }
    await eventually(async () => applied.length === 40, 10_000);

    // The first append after a quiet spell is read at once, not a gap later.
    expect(applied[0].at - firstAt).toBeLessThan(1_000);
    // Woken some 40 times in about 1.5 s, it read in at most three batches (the next no sooner than 1 s on).
    expect(batches.length).toBeLessThanOrEqual(3);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < batches.length; i++) {
      expect(batches[i].at - batches[i - 1].at).toBeGreaterThanOrEqual(950);
    }
  });

  it('a full batch is followed at once: a backlog is not read a gap at a time', async () => {
    const { applied, batches } = await started('backlog', 60_000, {
      batchGapMs: 3_000,
      batchSize: 10,
      fromNow: true,
    });

    const appendedAt = Date.now();
    await store.append(
      'backlog-1',
      'no_stream',
      Array.from({ length: 35 }, (_, i) => ev(i)),
      meta,
    );
    await eventually(async () => applied.length === 35, 10_000);

    expect(batches.map((b) => b.size)).toEqual([10, 10, 10, 5]);
    // Three gaps would be 9 s.
    expect(Date.now() - appendedAt).toBeLessThan(2_500);
  });

  it('appenders notify after their commit, not inside it: the events table has no NOTIFY trigger', async () => {
    const triggers: { tgname: string }[] = await db.dataSource.query(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = 'events'::regclass AND NOT tgisinternal`,
    );
    expect(triggers.map((t) => t.tgname)).not.toContain('events_appended');
  });

  it('with the listening connection killed, events are still processed by polling, and it listens again', async () => {
    const { applied } = await started('polled', 50);
    const killed = wakeUps.listeningPid!;
    await db.dataSource.query('SELECT pg_terminate_backend($1)', [killed]);
    await eventually(async () => wakeUps.listeningPid === null, 5_000);

    await store.append('while-deaf', 'no_stream', [ev(1)], meta);
    await eventually(async () => applied.length === 1, 5_000);
    // Applied while nobody listened: only the poll can have found it.
    expect(applied[0]).toMatchObject({ streamId: 'while-deaf', listening: false });

    await eventually(async () => wakeUps.listeningPid !== null && wakeUps.listeningPid !== killed, 10_000);
    const [{ listening }]: { listening: boolean }[] = await db.dataSource.query(
      `SELECT EXISTS (SELECT FROM pg_stat_activity WHERE pid = $1 AND query ILIKE '%pg_backend_pid%') AS listening`,
      [wakeUps.listeningPid],
    );
    expect(listening).toBe(true);
  });
});
