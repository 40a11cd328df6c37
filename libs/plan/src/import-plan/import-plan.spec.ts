import { createTestDatabase, TestDatabase } from '../../../../test/support/test-database.js';
import { sevenoaksPlan } from '../../../../test/support/product.js';
import { EventStore } from '../../../event-store/src/index.js';
import { partnershipStreamId, planStreamId } from '../plan.events.js';
import { importPlan } from './import-plan.js';

const meta = { actorId: 'cora', actorRole: 'coordinator', correlationId: 'import-test' };

describe('importPlan (real PostgreSQL)', () => {
  let db: TestDatabase;
  let store: EventStore;

  beforeAll(async () => {
    db = await createTestDatabase('plan_import');
    store = new EventStore(db.dataSource);
  });
  afterAll(() => db.drop());

  it('records the Sevenoaks plan once; a re-import with edits records only the changes', async () => {
    const plan = sevenoaksPlan();
    const first = await importPlan(store, plan, meta);
    expect(first.changes).toEqual(
      expect.arrayContaining([
        { type: 'ThemeAdded', count: 6 },
        { type: 'MeasureAdded', count: 27 },
      ]),
    );

    const again = await importPlan(store, sevenoaksPlan(), meta);
    expect(again.eventCount).toBe(0);

    const edited = sevenoaksPlan();
    edited.themes[0].measures[0].text = 'Reworded S1';
    edited.agencies[0].contacts.push({ name: 'New Person', email: 'new.person@example.org', role: 'lead' });
    const changes = await importPlan(store, edited, meta);
    expect(changes.changes).toEqual([
      { type: 'AgencyContactAdded', count: 1 },
      { type: 'MeasureChanged', count: 1 },
    ]);

    const planEvents = await store.readStream(planStreamId('sevenoaks-lsp', 'community-plan-2019-22'));
    expect(planEvents.filter((e) => e.type === 'MeasureAdded')).toHaveLength(27);
    expect(planEvents[planEvents.length - 1]).toMatchObject({
      type: 'MeasureChanged',
      data: { ref: 'S1', changes: { text: 'Reworded S1' } },
      metadata: meta,
    });
    const partnership = await store.readStream(partnershipStreamId('sevenoaks-lsp'));
    expect(partnership.filter((e) => e.type === 'AgencyAdded')).toHaveLength(plan.agencies.length);
  });
});
