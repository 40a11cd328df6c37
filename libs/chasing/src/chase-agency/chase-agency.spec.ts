import { DataSource } from 'typeorm';
import { CHASE_CYCLE, LEADS, openChaseCycle } from '../../../../test/support/chase-cycle.js';
import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database.js';
import { FixedClock } from '../../../kernel/src/index.js';
import { EventStore } from '../../../event-store/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { CycleRepository } from '../../../returns/src/index.js';
import { englandAndWales } from '../calendar/working-days.js';
import { ChaseSnapshots } from '../chase-snapshot/chase-snapshots.js';
import { CycleReturns } from '../cycle-returns.js';
import { ChaseAgency } from './chase-agency.js';

const meta = { actorId: 'test', actorRole: 'agency', correlationId: 'chase-agency-test' };
/** The first overdue chase of a cycle due on Monday 16 November 2026: five working days later. */
const STEP = '2026-11-23';

function chaseAgency(store: EventStore, dataSource: DataSource): ChaseAgency {
  const cycleReturns = new CycleReturns(
    store,
    new CycleRepository(store),
    new PlanRepository(store),
    dataSource,
  );
  return new ChaseAgency(
    store,
    dataSource,
    cycleReturns,
    new ChaseSnapshots(store),
    new FixedClock(new Date(`${STEP}T10:00:00Z`)),
    englandAndWales(),
  );
}

const chased = async (store: EventStore, agencyId: string) =>
  (await store.readStream(`chase:${CHASE_CYCLE}:${agencyId}`)).map((e) => [e.type, e.data]);

describe('ChaseAgency.executeMany (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('chase_agency');
    store = new EventStore(db.dataSource);
    await openChaseCycle(store);
  });
  afterAll(() => db.drop());

  it("records a cycle's due agencies in one go, each once, and re-checks each against the events", async () => {
    // The council submits its one return after the scan saw it outstanding: it is no longer chased.
    await store.append(
      `return:${CHASE_CYCLE}.M3`,
      1,
      [{ type: 'ReturnSubmitted', data: { content: {}, by: LEADS.council, late: true } }],
      meta,
    );
    const chases = [
      { agencyId: 'police', step: STEP, kind: 'overdue' },
      { agencyId: 'council', step: STEP, kind: 'overdue' },
      { agencyId: 'police', step: STEP, kind: 'overdue' },
      { agencyId: 'police', step: '2026-11-20', kind: 'overdue' },
    ];
    expect(await chaseAgency(store, db.dataSource).executeMany(CHASE_CYCLE, chases)).toEqual([
      'recorded',
      'not-due',
      'already',
      'already',
    ]);
    const police = [
      [
        'AgencyChased',
        {
          cycleId: CHASE_CYCLE,
          agencyId: 'police',
          step: STEP,
          kind: 'overdue',
          returnIds: [`${CHASE_CYCLE}.M1`, `${CHASE_CYCLE}.M2`],
          recipients: [{ email: LEADS.police, role: 'lead' }],
        },
      ],
    ];
    expect(await chased(store, 'police')).toEqual(police);
    expect(await chased(store, 'council')).toEqual([]);

    // BullMQ delivers at least once: the same job again, by a worker that kept its folds or a fresh one.
    for (const again of [chaseAgency(store, db.dataSource), chaseAgency(store, db.dataSource)]) {
      expect(await again.executeMany(CHASE_CYCLE, chases.slice(0, 2))).toEqual(['already', 'not-due']);
    }
    expect(await chased(store, 'police')).toEqual(police);
  });

  it('commits all of a call or none: a conflict on one agency leaves the others for the retry', async () => {
    const agency = chaseAgency(store, db.dataSource);
    const council = `chase:${CHASE_CYCLE}:council`;
    await store.append(
      `return:${CHASE_CYCLE}.M3`,
      2,
      [{ type: 'ReturnSentBack', data: { reason: 'incomplete' } }],
      meta,
    );
    // Another writer appends to the police stream between this call's read and its append.
    const appendEach = store.appendEach.bind(store);
    let raced = false;
    jest.spyOn(store, 'appendEach').mockImplementation(async (...args) => {
      if (!raced) {
        raced = true;
        await store.append(
          `chase:${CHASE_CYCLE}:police`,
          'any',
          [{ type: 'ChaseRequested', data: {} }],
          meta,
        );
      }
      return appendEach(...args);
    });
    try {
      await expect(
        agency.executeMany(CHASE_CYCLE, [
          { agencyId: 'council', step: STEP, kind: 'overdue' },
          { agencyId: 'police', step: 'now-9', kind: 'now' },
        ]),
      ).rejects.toMatchObject({ name: 'ConcurrencyError' });
    } finally {
      jest.restoreAllMocks();
    }
    expect(await store.readStream(council)).toEqual([]);
    // The retry reads again and records both.
    expect(
      await agency.executeMany(CHASE_CYCLE, [
        { agencyId: 'council', step: STEP, kind: 'overdue' },
        { agencyId: 'police', step: 'now-9', kind: 'now' },
      ]),
    ).toEqual(['recorded', 'recorded']);
    expect((await store.readStream(council)).map((e) => e.type)).toEqual(['AgencyChased']);
  });
});
