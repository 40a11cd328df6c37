import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database.js';
import { StoredEvent } from '../../../event-store/src/index.js';
import { projectReturnStatus, RETURN_STATUS_TABLES } from './return-status.projection.js';

/**
 * A history that exercises every kind of change and the ways runs of them combine: updates of a row not yet
 * inserted, one return requested twice, several updates of one return in a run, a step chased twice, a mail's
 * outcomes in a row, and an event the model ignores inside a run.
 */
function history(): StoredEvent[] {
  const events: [string, string, Record<string, unknown>][] = [
    ['cycle:c1', 'CycleDrafted', { cycleId: 'c1', partnershipId: 'p1' }],
    ['cycle:c1', 'CycleOpened', { openedAt: '2020-04-01T09:00:00.000Z' }],
    ['return:r0', 'ReturnDraftSaved', {}],
    ['return:r0', 'ReturnRequested', requested('r0', 'a1')],
    ['return:r1', 'ReturnRequested', requested('r1', 'a1')],
    ['return:r2', 'ReturnRequested', requested('r2', 'a1')],
    ['return:r1', 'ReturnRequested', requested('r1', 'a9')],
    ['return:r3', 'ReturnRequested', requested('r3', 'a1')],
    ['return:r1', 'DeadlineExtended', { dueDate: '2020-09-01' }],
    ['return:r1', 'ReturnDraftSaved', {}],
    ['plan:x', 'PlanAdopted', {}],
    ['return:r1', 'ReturnReassigned', { toAgencyId: 'a2' }],
    ['return:r1', 'ReturnSubmitted', {}],
    ['return:r1', 'DeadlineExtended', { dueDate: '2020-10-01' }],
    ['return:r2', 'ReturnSubmitted', {}],
    ['return:r3', 'ReturnWithdrawn', {}],
    ['return:r2', 'ReturnSentBack', {}],
    ['chase:c1:a1', 'ChaseRequested', {}],
    ['chase:c1:a1', 'ChaseRequested', {}],
    ['chase:c1:a1', 'AgencyChased', chased('s1', 'before-10', ['x', 'y'])],
    ['chase:c1:a1', 'AgencyChased', chased('s1', 'before-3', ['y', 'z'])],
    ['chase:c1:a1', 'AgencyChased', chased('s2', 'overdue', ['x'])],
    ['chase:c1:a1', 'ReminderClaimed', { key: 's1', recipient: 'x' }],
    ['chase:c1:a1', 'ReminderDeliveryFailed', { key: 's1', recipient: 'x', willRetry: true, reason: 'busy' }],
    ['chase:c1:a1', 'ReminderSent', { key: 's1', recipient: 'x', messageId: 'm1' }],
    ['chase:c1:a1', 'ReminderClaimed', { key: 's1', recipient: 'y' }],
    [
      'chase:c1:a1',
      'ReminderDeliveryFailed',
      { key: 's1', recipient: 'y', willRetry: false, reason: 'no user' },
    ],
    ['cycle:c2', 'CycleOpened', { openedAt: '2020-07-01T09:00:00.000Z' }],
    ['cycle:c2', 'CycleDrafted', { cycleId: 'c2', partnershipId: 'p1', chasePolicy: { onDueDate: false } }],
    ['cycle:c2', 'CycleOpened', { openedAt: '2020-07-02T09:00:00.000Z' }],
    ['cycle:c2', 'CycleClosed', {}],
    ['cycle:c1', 'CycleClosed', {}],
  ];
  const versions = new Map<string, number>();
  return events.map(([streamId, type, data], i) => {
    const version = (versions.get(streamId) ?? 0) + 1;
    versions.set(streamId, version);
    return {
      globalPosition: i + 1,
      streamId,
      version,
      type,
      schemaVersion: 1,
      data,
      metadata: { actorId: 'test', actorRole: 'system', correlationId: 'history' },
      recordedAt: new Date(Date.UTC(2020, 3, 1, 9, i)),
      transactionId: String(1000 + i),
    };
  });
}

function requested(returnId: string, agencyId: string) {
  return {
    returnId,
    cycleId: 'c1',
    agencyId,
    themeId: 't1',
    measureRef: `M-${returnId}`,
    dueDate: '2020-08-01',
  };
}

function chased(step: string, kind: string, emails: string[]) {
  return { step, kind, recipients: emails.map((email) => ({ email, role: `lead-${kind}` })) };
}

describe('return-status projection (real PostgreSQL)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('return_status');
  });
  afterAll(() => db.drop());

  /** The model's rows after applying the history in batches of `size` (1: one event at a time). */
  async function rowsAfter(size: number): Promise<Record<string, unknown[]>> {
    const events = history();
    await db.dataSource.transaction(async (m) => {
      await m.query(`TRUNCATE ${RETURN_STATUS_TABLES.join(', ')}`);
      for (let i = 0; i < events.length; i += size) await projectReturnStatus(events.slice(i, i + size), m);
    });
    const rows: Record<string, unknown[]> = {};
    for (const table of RETURN_STATUS_TABLES) {
      rows[table] = await db.dataSource.query(`SELECT * FROM ${table} ORDER BY 1, 2, 3, 4`);
    }
    return rows;
  }

  it('applied one event at a time, ends in the rows each event implies', async () => {
    const rows = await rowsAfter(1);
    expect(rows.chase_cycles).toEqual([
      expect.objectContaining({
        cycle_id: 'c1',
        status: 'closed',
        opened_at: new Date('2020-04-01T09:00:00Z'),
      }),
      expect.objectContaining({
        cycle_id: 'c2',
        status: 'closed',
        opened_at: new Date('2020-07-02T09:00:00Z'),
      }),
    ]);
    expect(rows.return_status).toEqual([
      expect.objectContaining({ return_id: 'r0', agency_id: 'a1', status: 'requested' }),
      expect.objectContaining({ return_id: 'r1', agency_id: 'a2', status: 'submitted' }),
      expect.objectContaining({ return_id: 'r2', agency_id: 'a1', status: 'draft' }),
      expect.objectContaining({ return_id: 'r3', agency_id: 'a1', status: 'withdrawn' }),
    ]);
    const [r1] = await db.dataSource.query(`SELECT due_date::text FROM return_status WHERE return_id = 'r1'`);
    expect(r1).toEqual({ due_date: '2020-10-01' });
    expect(rows.chase_steps).toEqual([
      { cycle_id: 'c1', agency_id: 'a1', step: 'now-1', kind: 'now', state: 'requested' },
      { cycle_id: 'c1', agency_id: 'a1', step: 'now-2', kind: 'now', state: 'requested' },
      { cycle_id: 'c1', agency_id: 'a1', step: 's1', kind: 'before-3', state: 'chased' },
      { cycle_id: 'c1', agency_id: 'a1', step: 's2', kind: 'overdue', state: 'chased' },
    ]);
    expect(
      rows.chase_mails.map((m) =>
        Object.values(m as object)
          .slice(2)
          .join(' '),
      ),
    ).toEqual([
      's1 x lead-before-10 sent m1 busy',
      's1 y lead-before-10 failed  no user',
      's1 z lead-before-3 pending  ',
      's2 x lead-overdue pending  ',
    ]);
  });

  it('applied in batches of any size (runs of changes written together), ends in the same rows', async () => {
    const oneByOne = await rowsAfter(1);
    for (const size of [2, 3, 5, 100]) expect(await rowsAfter(size)).toEqual(oneByOne);
  });

  it('changes nothing when a batch is applied again', async () => {
    const once = await rowsAfter(100);
    // From r0's request on: the draft saved before it would now find the row (a history no command makes).
    await db.dataSource.transaction((m) => projectReturnStatus(history().slice(3), m));
    for (const table of RETURN_STATUS_TABLES) {
      expect(await db.dataSource.query(`SELECT * FROM ${table} ORDER BY 1, 2, 3, 4`)).toEqual(once[table]);
    }
  });
});
