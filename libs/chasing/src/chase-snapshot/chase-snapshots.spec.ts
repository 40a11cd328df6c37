import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database.js';
import { EventMetadata, EventStore } from '../../../event-store/src/index.js';
import { ChaseSnapshots } from './chase-snapshots.js';
import { CHASE_CYCLE, openChaseCycle } from '../../../../test/support/chase-cycle.js';

const meta: EventMetadata = { actorId: 'test', actorRole: 'coordinator', correlationId: 'snapshot-test' };
const CYCLE = CHASE_CYCLE;

/** The agencies and states of the returns as a snapshot shows them. */
async function seen(snapshots: ChaseSnapshots) {
  const { snapshot, events } = await snapshots.of(CYCLE, [`chase:${CYCLE}:police`]);
  if (!snapshot.opened) throw new Error('cycle not open');
  return {
    status: snapshot.cycle.status,
    returns: snapshot.returns.map((r) => `${r.measureRef} ${r.agencyId} ${r.status} ${r.dueDate}`),
    agencies:
      snapshot.partnership.status === 'registered'
        ? [...snapshot.partnership.agencies.values()].map((a) => a.name)
        : [],
    measures: snapshot.plan.status === 'adopted' ? [...snapshot.plan.measures.keys()] : [],
    chaseStream: events.get(`chase:${CYCLE}:police`)!.map((e) => e.type),
  };
}

describe('ChaseSnapshots (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('chase_snapshots');
    store = new EventStore(db.dataSource);
  });
  afterAll(() => db.drop());

  it('shows what re-reading every stream whole shows, however the streams grew since the last read', async () => {
    const snapshots = new ChaseSnapshots(store);
    expect((await snapshots.of(CYCLE, [`chase:${CYCLE}:police`])).snapshot).toEqual({
      opened: false,
      cycle: { status: 'none' },
    });
    await openChaseCycle(store);
    expect(await seen(snapshots)).toEqual({
      status: 'open',
      returns: [
        'M1 police requested 2026-11-16',
        'M2 police requested 2026-11-16',
        'M3 council requested 2026-11-16',
      ],
      agencies: ['Police', 'Council'],
      measures: ['M1', 'M2', 'M3'],
      chaseStream: [],
    });

    // Every kind of stream it keeps moves on between two reads: each change must show in the next one.
    await store.append(
      `return:${CYCLE}.M1`,
      1,
      [{ type: 'ReturnSubmitted', data: { content: {}, by: 'lead', late: false } }],
      meta,
    );
    await store.append(
      `return:${CYCLE}.M2`,
      1,
      [{ type: 'DeadlineExtended', data: { dueDate: '2026-11-30', reason: 'flood' } }],
      meta,
    );
    await store.append(
      `return:${CYCLE}.M3`,
      1,
      [
        {
          type: 'ReturnReassigned',
          data: { fromAgencyId: 'council', toAgencyId: 'police', reason: 'moved' },
        },
      ],
      meta,
    );
    await store.append(
      'partnership:p1',
      'any',
      [{ type: 'AgencyRenamed', data: { agencyId: 'police', name: 'Kent Police' } }],
      meta,
    );
    await store.append('plan:p1:plan1', 4, [{ type: 'MeasureRetired', data: { ref: 'M2' } }], meta);
    await store.append(
      `chase:${CYCLE}:police`,
      'no_stream',
      [{ type: 'ChaseRequested', data: { cycleId: CYCLE, agencyId: 'police' } }],
      meta,
    );
    const afterChanges = {
      status: 'open',
      returns: [
        'M1 police submitted 2026-11-16',
        'M2 police requested 2026-11-30',
        'M3 police requested 2026-11-16',
      ],
      agencies: ['Kent Police', 'Council'],
      measures: ['M1', 'M3'],
      chaseStream: ['ChaseRequested'],
    };
    expect(await seen(snapshots)).toEqual(afterChanges);
    // A reader that starts from nothing agrees with the one that kept its folds.
    expect(await seen(new ChaseSnapshots(store))).toEqual(afterChanges);

    await store.append(
      `cycle:${CYCLE}`,
      'any',
      [{ type: 'CycleClosed', data: { forced: true, reason: 'end', unresolvedReturnIds: [] } }],
      meta,
    );
    expect((await seen(snapshots)).status).toBe('closed');
  });
});
