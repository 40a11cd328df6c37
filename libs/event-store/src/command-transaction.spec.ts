import { createTestDatabase, TestDatabase } from '../../../test/support/test-database.js';
import {
  afterCommandCommits,
  CommandTransaction,
  commandTransactionOn,
  runInCommandTransaction,
  transactionally,
} from './command-transaction.js';
import { EventMetadata } from './event.js';
import { EventStore } from './event-store.js';

const meta: EventMetadata = { actorId: 'user-1', actorRole: 'coordinator', correlationId: 'c-1' };
const ev = (n: number) => ({ type: 'Counted', data: { n } });

/** A command's writes join one transaction: its first statement, its appends, and whatever it commits last. */
describe('CommandTransaction (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  const marks = async () =>
    ((await db.dataSource.query(`SELECT mark FROM marks ORDER BY mark`)) as { mark: string }[]).map(
      (r) => r.mark,
    );
  const versionOf = (streamId: string) => store.streamVersion(streamId);

  beforeAll(async () => {
    db = await createTestDatabase('command_tx');
    store = new EventStore(db.dataSource);
    await db.dataSource.query(`CREATE TABLE marks (mark text PRIMARY KEY)`);
  });
  afterAll(() => db.drop());

  const transaction = (mark: string) =>
    new CommandTransaction(db.dataSource, async (m) => {
      await m.query(`INSERT INTO marks (mark) VALUES ($1)`, [mark]);
    });

  it('begins at the first write, holds every append until the commit, and commits them with its own writes', async () => {
    const tx = transaction('first');
    await runInCommandTransaction(tx, async () => {
      expect(tx.begun).toBe(false);
      await store.readStream('cmd-a');
      expect(tx.begun).toBe(false);
      await store.append('cmd-a', 'no_stream', [ev(1)], meta);
      await store.appendMany(
        [{ streamId: 'cmd-b', expectedVersion: 'no_stream', events: [ev(1), ev(2)] }],
        meta,
      );
      await transactionally(db.dataSource, (m) => m.query(`INSERT INTO marks (mark) VALUES ('joined')`));
    });
    expect(tx.begun).toBe(true);
    // Nothing is visible to anyone else before the commit.
    expect([await versionOf('cmd-a'), await versionOf('cmd-b'), await marks()]).toEqual([null, null, []]);
    await tx.commit((m) => m.query(`INSERT INTO marks (mark) VALUES ('last')`));
    expect([await versionOf('cmd-a'), await versionOf('cmd-b'), await marks()]).toEqual([
      1,
      2,
      ['first', 'joined', 'last'],
    ]);
  });

  it("reads in the command's transaction once it has begun, on the pool before: a retry holds one connection", async () => {
    const tx = transaction('reads');
    await runInCommandTransaction(tx, async () => {
      await store.readStream('cmd-r');
      expect(tx.begun).toBe(false);
      await store.append('cmd-r', 'no_stream', [ev(1)], meta);
      // Its own append, not yet committed, is what it reads now: the same connection.
      expect((await store.readStream('cmd-r')).map((e) => e.data)).toEqual([{ n: 1 }]);
      expect(await store.streamVersion('cmd-r')).toBe(1);
    });
    expect(await versionOf('cmd-r')).toBeNull();
    await tx.rollback();
  });

  it('rolls back every write of the command together, its first statement included', async () => {
    const tx = transaction('rolled-back');
    await runInCommandTransaction(tx, () => store.append('cmd-c', 'no_stream', [ev(1)], meta));
    await tx.rollback();
    expect(await versionOf('cmd-c')).toBeNull();
    expect(await marks()).not.toContain('rolled-back');
    // The connection went back to the pool: the next command runs normally.
    expect((await store.append('cmd-c', 'no_stream', [ev(1)], meta)).nextExpectedVersion).toBe(1);
  });

  it('rolls back when what it commits last fails, and leaves commands outside it alone', async () => {
    const tx = transaction('fails-last');
    await runInCommandTransaction(tx, () => store.append('cmd-d', 'no_stream', [ev(1)], meta));
    await expect(tx.commit((m) => m.query(`INSERT INTO marks (mark) VALUES ('first')`))).rejects.toThrow(
      /duplicate key/,
    );
    expect(await versionOf('cmd-d')).toBeNull();
    // Outside any command transaction, transactionally() and append() commit on their own.
    await transactionally(db.dataSource, (m) => m.query(`INSERT INTO marks (mark) VALUES ('alone')`));
    await store.append('cmd-e', 'no_stream', [ev(1)], meta);
    expect(await marks()).toContain('alone');
    expect(await versionOf('cmd-e')).toBe(1);
  });

  it('runs after-commit work (a mail) only once the commit stands, outside the transaction, and never after a rollback', async () => {
    const ran: { mark: string; seen: string[]; inside: boolean }[] = [];
    const mailAbout = (mark: string) =>
      afterCommandCommits(db.dataSource, () => {
        // What it sees is committed, and its own writes would not join the ended transaction.
        void marks().then((seen) => ran.push({ mark, seen, inside: !!commandTransactionOn(db.dataSource) }));
      });
    const committed = transaction('mailed');
    await runInCommandTransaction(committed, async () => {
      await transactionally(db.dataSource, (m) => m.query(`INSERT INTO marks (mark) VALUES ('account')`));
      mailAbout('account');
    });
    expect(ran).toEqual([]);
    await committed.commit();
    const rolledBack = transaction('not-mailed');
    await runInCommandTransaction(rolledBack, async () => {
      await transactionally(db.dataSource, (m) => m.query(`INSERT INTO marks (mark) VALUES ('ghost')`));
      mailAbout('ghost');
    });
    await rolledBack.rollback();
    // A command that wrote nothing runs it when it is done with; outside any command, at once.
    const unwritten = transaction('unused');
    await runInCommandTransaction(unwritten, async () => mailAbout('nothing written'));
    await unwritten.commit();
    await new Promise((r) => setTimeout(r, 200));
    expect(ran.map((r) => r.mark).sort()).toEqual(['account', 'nothing written']);
    expect(ran.find((r) => r.mark === 'account')).toMatchObject({ inside: false });
    expect(ran.find((r) => r.mark === 'account')!.seen).toEqual(
      expect.arrayContaining(['account', 'mailed']),
    );
    expect(await marks()).not.toContain('ghost');
  });

  it('reports a conflict inside it as a ConcurrencyError with the stream version', async () => {
    await store.append('cmd-f', 'no_stream', [ev(1)], meta);
    const tx = transaction('conflict');
    await expect(
      runInCommandTransaction(tx, () => store.append('cmd-f', 'no_stream', [ev(2)], meta)),
    ).rejects.toMatchObject({ name: 'ConcurrencyError', actual: 1 });
    await tx.rollback();
    expect(await marks()).not.toContain('conflict');
  });
});
