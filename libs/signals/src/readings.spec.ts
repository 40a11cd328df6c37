import { createTestDatabase, TestDatabase } from '../../../test/support/test-database.js';
import { EventMetadata, EventStore } from '../../event-store/src/index.js';
import { heldEvents, mailCounts, MAIL_OUTCOME_TYPES, relayLagSeconds } from './readings.js';

const meta: EventMetadata = { actorId: 'worker', actorRole: 'system', correlationId: 'readings' };
const address = { key: 'k', recipient: 'a@example.org' };

describe('the signals read from PostgreSQL', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('signals');
    store = new EventStore(db.dataSource);
  });
  afterAll(() => db.drop());

  it('counts each ledger’s outcomes: retried, failed for good, and bounced (a permanent refusal)', async () => {
    const failed = (permanent: boolean, willRetry: boolean) => ({
      type: 'ReminderDeliveryFailed',
      data: { ...address, reason: 'x', responseCode: permanent ? 550 : 421, permanent, willRetry },
    });
    await store.append(
      'chase:x',
      'any',
      [
        { type: 'ReminderClaimed', data: { ...address, claimId: 'c', leaseUntil: 'then' } },
        failed(false, true),
        failed(false, false),
        failed(true, false),
        { type: 'ReminderSent', data: { ...address, messageId: '<m>' } },
        { type: 'NotificationSent', data: { ...address, messageId: '<n>' } },
        // Not a ledger's: never counted.
        { type: 'ReturnSentBack', data: {} },
      ],
      meta,
    );
    const counts = Object.fromEntries(
      (await mailCounts(db.dataSource)).map((c) => [`${c.kind} ${c.outcome}`, c.count]),
    );
    expect(counts).toMatchObject({
      'Reminder sent': 1,
      'Reminder retried': 1,
      'Reminder failed': 2,
      'Reminder bounced': 1,
      'Notification sent': 1,
      'Notification failed': 0,
      'LinkMail sent': 0,
      'Digest bounced': 0,
    });
  });

  it('reads the mail outcomes through their partial index, which names exactly the types counted', async () => {
    const [{ indexdef }]: { indexdef: string }[] = await db.dataSource.query(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'events_mail_outcomes'`,
    );
    const indexed = [...indexdef.matchAll(/'(\w+)'::text/g)].map((m) => m[1]).sort();
    expect(indexed).toEqual([...MAIL_OUTCOME_TYPES].sort());
    await db.dataSource.transaction(async (m) => {
      // With the table scan priced out, the planner takes the index only if it can prove the query is within it.
      await m.query('SET LOCAL enable_seqscan = off');
      const plan: { 'QUERY PLAN': string }[] = await m.query(
        `EXPLAIN SELECT count(*) FROM events WHERE type IN (${MAIL_OUTCOME_TYPES.map((t) => `'${t}'`).join(', ')})`,
      );
      expect(plan.map((p) => p['QUERY PLAN']).join('\n')).toMatch(/events_mail_outcomes/);
    });
  });

  it('names every processor with a checkpoint, holding nothing, and the relay caught up when it has passed all', async () => {
    const [{ max }]: { max: string }[] = await db.dataSource.query(
      `SELECT max(global_position)::text AS max FROM events`,
    );
    await db.dataSource.query(
      `INSERT INTO processor_checkpoints (name, transaction_id, global_position, updated_at)
       SELECT 'outbox-relay', max(transaction_id), $1, now() FROM events`,
      [max],
    );
    expect(await heldEvents(db.dataSource)).toEqual([
      { processor: 'outbox-relay', state: 'parked', count: 0 },
      { processor: 'outbox-relay', state: 'retrying', count: 0 },
    ]);
    expect(await relayLagSeconds(db.dataSource)).toBe(0);
  });
});
