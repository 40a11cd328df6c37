import { PlanEvent } from './plan.events.js';
import { evolveOwnedPlan, evolvePlan, initialPlan, PlanState } from './plan.state.js';

const measure = (ref: string, position: number) => ({
  ref,
  themeId: 'safe',
  text: `Measure ${ref}`,
  leadAgencyId: 'csp',
  priorityRef: 'S-P1',
  position,
});

/** A plan's history touching every kind of plan event. */
const history: PlanEvent[] = [
  {
    type: 'PlanAdopted',
    data: {
      partnershipId: 'lsp',
      planId: 'plan',
      title: 'Plan',
      periodStart: '2019-04-01',
      periodEnd: '2022-03-31',
    },
  },
  {
    type: 'PlanChanged',
    data: { title: 'Community Plan', periodStart: '2019-04-01', periodEnd: '2023-03-31' },
  },
  {
    type: 'ThemeAdded',
    data: { themeId: 'safe', title: 'Safe', ambition: '', leadAgencyIds: ['csp'], position: 1 },
  },
  {
    type: 'ThemeAdded',
    data: { themeId: 'green', title: 'Green', ambition: '', leadAgencyIds: ['sdc'], position: 2 },
  },
  { type: 'ThemeChanged', data: { themeId: 'safe', changes: { title: 'Safe Communities' } } },
  { type: 'ThemeRemoved', data: { themeId: 'green' } },
  { type: 'PriorityAdded', data: { ref: 'S-P1', themeId: 'safe', text: 'Keep crime low', position: 1 } },
  { type: 'PriorityAdded', data: { ref: 'S-P2', themeId: 'safe', text: 'Deliver', position: 2 } },
  { type: 'PriorityChanged', data: { ref: 'S-P1', themeId: 'safe', text: 'Keep crime lower', position: 1 } },
  { type: 'PriorityRemoved', data: { ref: 'S-P2' } },
  { type: 'MeasureAdded', data: measure('S1', 1) },
  { type: 'MeasureAdded', data: measure('S2', 2) },
  { type: 'MeasureAdded', data: measure('S3', 3) },
  { type: 'MeasureChanged', data: { ref: 'S2', changes: { text: 'Fewer thefts', position: 5 } } },
  { type: 'MeasureRetired', data: { ref: 'S3' } },
];

const adopted = (state: PlanState) => {
  if (state.status !== 'adopted') throw new Error('the plan was not adopted');
  return state;
};

describe('folding a plan', () => {
  it('gives the same plan whether each event copies the maps or a fold that owns them changes them', () => {
    const copied = adopted(history.reduce(evolvePlan, initialPlan()));
    const owned = adopted(history.reduce(evolveOwnedPlan, initialPlan()));
    expect(owned).toEqual(copied);
    expect(copied.title).toBe('Community Plan');
    expect([...copied.themes.values()]).toEqual([
      { themeId: 'safe', title: 'Safe Communities', ambition: '', leadAgencyIds: ['csp'], position: 1 },
    ]);
    expect([...copied.priorities.keys()]).toEqual(['S-P1']);
    expect(copied.priorities.get('S-P1')?.text).toBe('Keep crime lower');
    expect([...copied.measures.keys()]).toEqual(['S1', 'S2']);
    expect(copied.measures.get('S2')).toEqual({ ...measure('S2', 5), text: 'Fewer thefts' });
  });

  it('leaves an earlier state untouched under evolvePlan, so it can be kept and shared', () => {
    const before = adopted(history.slice(0, 11).reduce(evolvePlan, initialPlan()));
    const after = adopted(history.slice(11).reduce(evolvePlan, before));
    expect([...before.measures.keys()]).toEqual(['S1']);
    expect([...before.themes.keys()]).toEqual(['safe']);
    expect(after.measures).not.toBe(before.measures);
  });

  it('changes the owned fold’s maps in place: no copy of every measure for each event', () => {
    const before = adopted(history.slice(0, 11).reduce(evolveOwnedPlan, initialPlan()));
    const after = adopted(evolveOwnedPlan(before, { type: 'MeasureAdded', data: measure('S9', 9) }));
    expect(after.measures).toBe(before.measures);
    expect(after.measures.size).toBe(2);
  });
});
