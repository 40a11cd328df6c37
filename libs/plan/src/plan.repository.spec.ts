import { createTestDatabase, TestDatabase } from '../../../test/support/test-database.js';
import { EventMetadata, EventStore } from '../../event-store/src/index.js';
import { PlanEvent, planStreamId } from './plan.events.js';
import { PlanRepository } from './plan.repository.js';
import { evolvePlan, initialPlan, PlanState } from './plan.state.js';

const meta: EventMetadata = { actorId: 'coordinator', actorRole: 'coordinator', correlationId: 'plan-folds' };
const measure = (ref: string, position: number): PlanEvent => ({
  type: 'MeasureAdded',
  data: { ref, themeId: 'safe', text: `Measure ${ref}`, leadAgencyId: 'csp', priorityRef: 'S-P1', position },
});
const start: PlanEvent[] = [
  {
    type: 'PlanAdopted',
    data: {
      partnershipId: 'lsp',
      planId: 'p',
      title: 'Plan',
      periodStart: '2019-04-01',
      periodEnd: '2022-03-31',
    },
  },
  {
    type: 'ThemeAdded',
    data: { themeId: 'safe', title: 'Safe', ambition: '', leadAgencyIds: ['csp'], position: 1 },
  },
  { type: 'PriorityAdded', data: { ref: 'S-P1', themeId: 'safe', text: 'Keep crime low', position: 1 } },
  measure('S1', 1),
  measure('S2', 2),
];
const measuresOf = (state: PlanState) => (state.status === 'adopted' ? [...state.measures.keys()] : []);

describe('PlanRepository: a plan folded once a process, then only its new events (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;
  beforeAll(async () => {
    db = await createTestDatabase('plan_folds');
    store = new EventStore(db.dataSource);
  });
  afterAll(() => db.drop());

  it('is the whole stream folded after every append, reading only what came after the kept fold', async () => {
    const stream = planStreamId('lsp', 'p');
    await store.append(stream, 'no_stream', start, meta);
    const plans = new PlanRepository(store);
    const asked: (number | undefined)[] = [];
    const read = store.readStream.bind(store);
    jest.spyOn(store, 'readStream').mockImplementation((id, options, sql) => {
      asked.push(options?.fromVersion);
      return read(id, options, sql);
    });

    const first = await plans.plan('lsp', 'p');
    expect(measuresOf(first)).toEqual(['S1', 'S2']);
    // Nothing new: the same state, from a read of the kept fold's last event alone.
    expect(await plans.plan('lsp', 'p')).toBe(first);
    await store.append(stream, 5, [measure('S3', 3), { type: 'MeasureRetired', data: { ref: 'S1' } }], meta);
    await store.append(
      stream,
      7,
      [{ type: 'ThemeChanged', data: { themeId: 'safe', changes: { title: 'Safer' } } }],
      meta,
    );
    const later = await plans.plan('lsp', 'p');
    expect(asked).toEqual([1, 5, 5]);
    jest.restoreAllMocks();

    const whole = (await store.readStream<PlanEvent>(stream)).reduce(
      (s, e) => evolvePlan(s, { type: e.type, data: e.data } as PlanEvent),
      initialPlan(),
    );
    expect(later).toEqual(whole);
    expect(measuresOf(later)).toEqual(['S2', 'S3']);
    // What an earlier caller was given is not changed under it.
    expect(measuresOf(first)).toEqual(['S1', 'S2']);
    expect(first.status === 'adopted' && first.themes.get('safe')?.title).toBe('Safe');
  });

  it('folds again from the start when the kept last event is no longer there (a database restored under it)', async () => {
    const stream = planStreamId('lsp', 'q');
    const plans = new PlanRepository(store);
    await store.append(
      stream,
      'no_stream',
      [{ ...start[0], data: { ...start[0].data, planId: 'q' } } as PlanEvent, ...start.slice(1)],
      meta,
    );
    expect(measuresOf(await plans.plan('lsp', 'q'))).toEqual(['S1', 'S2']);
    // The same stream written again, shorter and different, as a restore of an older backup would have it.
    await db.dataSource.query(`DELETE FROM events WHERE stream_id = $1`, [stream]);
    await db.dataSource.query(`DELETE FROM streams WHERE stream_id = $1`, [stream]).catch(() => undefined);
    await store.append(
      stream,
      'no_stream',
      [
        { ...start[0], data: { ...start[0].data, planId: 'q' } } as PlanEvent,
        start[1],
        start[2],
        measure('S9', 1),
      ],
      meta,
    );
    expect(measuresOf(await plans.plan('lsp', 'q'))).toEqual(['S9']);
  });

  it('reads a plan as it stood at an instant without touching the kept fold', async () => {
    const plans = new PlanRepository(store);
    expect(measuresOf(await plans.plan('lsp', 'p', new Date(0)))).toEqual([]);
    expect(measuresOf(await plans.plan('lsp', 'p'))).toEqual(['S2', 'S3']);
  });
});
