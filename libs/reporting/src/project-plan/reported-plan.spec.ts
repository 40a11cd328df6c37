import { StoredEvent } from '../../../event-store/src/index.js';
import { PartnershipEvent, PlanEvent } from '../../../plan/src/index.js';
import { reportedAgencies } from './reported-agencies.js';
import { reportedPlan } from './reported-plan.js';

const stored = <E extends PlanEvent | PartnershipEvent>(events: E[]) =>
  events.map((e, i) => ({ ...e, streamId: 's', version: i + 1 }) as unknown as StoredEvent<E>);
const theme = (themeId: string, position: number): PlanEvent => ({
  type: 'ThemeAdded',
  data: { themeId, title: `Title ${themeId}`, ambition: '', leadAgencyIds: ['a1'], position },
});
const measure = (ref: string, themeId: string, position: number): PlanEvent => ({
  type: 'MeasureAdded',
  data: { ref, themeId, text: `Text ${ref}`, leadAgencyId: 'a1', priorityRef: null, position },
});
const adopted: PlanEvent = {
  type: 'PlanAdopted',
  data: {
    partnershipId: 'p1',
    planId: 'plan-1',
    title: 'Plan',
    periodStart: '2019-04-01',
    periodEnd: '2022-03-31',
  },
};
const order = (events: PlanEvent[]) =>
  reportedPlan(stored(events))!.measures.map((m) => [m.measureRef, m.position, m.retired]);

describe('reportedPlan', () => {
  it("numbers the measures 1, 2, 3... in the report's order: by theme, then by position, never as text", () => {
    const events = [
      adopted,
      theme('second', 1),
      theme('first', 0),
      measure('1.10', 'first', 1),
      measure('1.2', 'first', 0),
      measure('2.1', 'second', 2),
    ];
    expect(order(events)).toEqual([
      ['1.2', 1, false],
      ['1.10', 2, false],
      ['2.1', 3, false],
    ]);
    expect(reportedPlan(stored(events))!.themes.map((t) => [t.themeId, t.position])).toEqual([
      ['first', 1],
      ['second', 2],
    ]);
  });

  it('keeps a retired measure and a removed theme, flagged and after the rest, until they come back', () => {
    const events: PlanEvent[] = [
      adopted,
      theme('t1', 0),
      theme('t2', 1),
      measure('A', 't1', 0),
      measure('B', 't2', 1),
      { type: 'MeasureChanged', data: { ref: 'A', changes: { text: 'Reworded' } } },
      { type: 'MeasureRetired', data: { ref: 'B' } },
      { type: 'ThemeRemoved', data: { themeId: 't2' } },
    ];
    const plan = reportedPlan(stored(events))!;
    expect(plan.measures).toEqual([
      { measureRef: 'A', themeId: 't1', text: 'Reworded', position: 1, leadAgencyId: 'a1', retired: false },
      { measureRef: 'B', themeId: 't2', text: 'Text B', position: 2, leadAgencyId: 'a1', retired: true },
    ]);
    expect(plan.themes.map((t) => [t.themeId, t.removed])).toEqual([
      ['t1', false],
      ['t2', true],
    ]);
    const back: PlanEvent[] = [
      theme('t2', 0),
      { type: 'ThemeChanged', data: { themeId: 't1', changes: { position: 1 } } },
      measure('B', 't2', 0),
    ];
    expect(order([...events, ...back])).toEqual([
      ['B', 1, false],
      ['A', 2, false],
    ]);
  });

  it('is null for a stream that adopted no plan', () => {
    expect(reportedPlan(stored([theme('t1', 0)]))).toBeNull();
  });
});

describe('reportedAgencies', () => {
  it("names each agency as last renamed, flags a retired one, and reads no contact's event", () => {
    const events: PartnershipEvent[] = [
      { type: 'PartnershipRegistered', data: { partnershipId: 'p1', name: 'LSP' } },
      { type: 'AgencyAdded', data: { agencyId: 'a1', name: 'Council' } },
      { type: 'AgencyContactAdded', data: { agencyId: 'a1', email: 'x@a.org', name: 'Xena', role: 'lead' } },
      { type: 'AgencyAdded', data: { agencyId: 'a2', name: 'Police' } },
      { type: 'AgencyRenamed', data: { agencyId: 'a1', name: 'District Council' } },
      { type: 'AgencyRetired', data: { agencyId: 'a2' } },
      { type: 'AgencyRenamed', data: { agencyId: 'nobody', name: 'Ghost' } },
    ];
    expect(reportedAgencies(stored(events))).toEqual({
      partnershipId: 'p1',
      agencies: [
        { agencyId: 'a1', name: 'District Council', retired: false },
        { agencyId: 'a2', name: 'Police', retired: true },
      ],
    });
  });
});
