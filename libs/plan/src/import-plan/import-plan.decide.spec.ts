import { PlanFile } from '../plan-file.js';
import { PartnershipEvent, PlanEvent } from '../plan.events.js';
import { evolvePartnership, evolvePlan, initialPartnership, initialPlan } from '../plan.state.js';
import { thenError } from '../../../../test/support/decide-spec.js';
import { decideImportPlan } from './import-plan.decide.js';
import { parsePlanFile } from '../parse-plan-file.js';
import { planFileYaml, recordedPlanFile } from '../edit-plan/recorded-plan-file.js';

const file = (): PlanFile => ({
  partnership: { id: 'lsp', name: 'Somewhere LSP' },
  plan: { id: 'plan', title: 'Community Plan', periodStart: '2019-04-01', periodEnd: '2022-03-31' },
  agencies: [
    {
      id: 'council',
      name: 'The Council',
      contacts: [{ name: 'Ann', email: 'ann@example.org', role: 'lead' }],
    },
    { id: 'police', name: 'Police', contacts: [{ name: 'Bob', email: 'bob@example.org', role: 'lead' }] },
  ],
  themes: [
    {
      id: 'safe',
      title: 'Safe Communities',
      ambition: 'Safer',
      leadAgencies: ['police'],
      priorities: [{ ref: 'S-P1', text: 'Less crime' }],
      measures: [
        { ref: 'S1', text: 'Crime stays low', leadAgency: 'police', priority: 'S-P1' },
        { ref: 'S2', text: 'Parking enforced', leadAgency: 'council' },
      ],
    },
  ],
});

/** given: the events of a first import of `given`; when: importing `next`; then: the decided events. */
function reimport(given: PlanFile, next: PlanFile) {
  const first = decideImportPlan(given, initialPartnership(), initialPlan());
  const partnership = first.partnershipEvents.reduce(evolvePartnership, initialPartnership());
  const plan = first.planEvents.reduce(evolvePlan, initialPlan());
  return decideImportPlan(next, partnership, plan);
}

describe('decideImportPlan', () => {
  it('a first import registers the partnership, its agencies and contacts, and adopts the plan', () => {
    const { partnershipEvents, planEvents } = decideImportPlan(file(), initialPartnership(), initialPlan());
    expect(partnershipEvents.map((e) => e.type)).toEqual([
      'PartnershipRegistered',
      'AgencyAdded',
      'AgencyContactAdded',
      'AgencyAdded',
      'AgencyContactAdded',
    ]);
    expect(planEvents).toEqual<PlanEvent[]>([
      {
        type: 'PlanAdopted',
        data: {
          partnershipId: 'lsp',
          planId: 'plan',
          title: 'Community Plan',
          periodStart: '2019-04-01',
          periodEnd: '2022-03-31',
        },
      },
      {
        type: 'ThemeAdded',
        data: {
          themeId: 'safe',
          title: 'Safe Communities',
          ambition: 'Safer',
          leadAgencyIds: ['police'],
          position: 0,
        },
      },
      { type: 'PriorityAdded', data: { ref: 'S-P1', themeId: 'safe', text: 'Less crime', position: 0 } },
      {
        type: 'MeasureAdded',
        data: {
          ref: 'S1',
          themeId: 'safe',
          text: 'Crime stays low',
          leadAgencyId: 'police',
          priorityRef: 'S-P1',
          position: 0,
        },
      },
      {
        type: 'MeasureAdded',
        data: {
          ref: 'S2',
          themeId: 'safe',
          text: 'Parking enforced',
          leadAgencyId: 'council',
          priorityRef: null,
          position: 1,
        },
      },
    ]);
  });

  it('re-importing the same file decides nothing', () => {
    expect(reimport(file(), file())).toEqual({ partnershipEvents: [], planEvents: [] });
  });

  it('an edited file becomes precise change events, not duplicates', () => {
    const edited = file();
    edited.agencies[0].name = 'Somewhere District Council';
    edited.agencies[0].contacts = [{ name: 'Cat', email: 'cat@example.org', role: 'lead' }];
    edited.themes[0].measures[0].text = 'Crime stays among the lowest in the county';
    edited.themes[0].measures.splice(1, 1);
    edited.themes[0].measures.push({ ref: 'S3', text: 'Fewer road casualties', leadAgency: 'police' });
    const { partnershipEvents, planEvents } = reimport(file(), edited);
    expect(partnershipEvents).toEqual<PartnershipEvent[]>([
      { type: 'AgencyRenamed', data: { agencyId: 'council', name: 'Somewhere District Council' } },
      {
        type: 'AgencyContactAdded',
        data: { agencyId: 'council', name: 'Cat', email: 'cat@example.org', role: 'lead' },
      },
      { type: 'AgencyContactRemoved', data: { agencyId: 'council', email: 'ann@example.org' } },
    ]);
    expect(planEvents).toEqual<PlanEvent[]>([
      {
        type: 'MeasureChanged',
        data: { ref: 'S1', changes: { text: 'Crime stays among the lowest in the county' } },
      },
      {
        type: 'MeasureAdded',
        data: {
          ref: 'S3',
          themeId: 'safe',
          text: 'Fewer road casualties',
          leadAgencyId: 'police',
          priorityRef: null,
          position: 1,
        },
      },
      { type: 'MeasureRetired', data: { ref: 'S2' } },
    ]);
  });

  it('an agency left out of the file is retired, once', () => {
    const without = file();
    without.agencies.splice(0, 1);
    without.themes[0].measures.splice(1, 1);
    const { partnershipEvents } = reimport(file(), without);
    expect(partnershipEvents).toEqual([{ type: 'AgencyRetired', data: { agencyId: 'council' } }]);
  });

  // Issue 10: the parser checks all of this with lines; the rules refuse it too, so nothing bad is recorded.
  it.each<[string, (f: PlanFile) => void, string]>([
    ['a partnership id that names nothing', (f) => (f.partnership.id = 'Somewhere LSP'), 'partnership.id'],
    ['a null plan id', (f) => (f.plan.id = null as never), 'plan.id'],
    ['year 0000', (f) => (f.plan.periodStart = '0000-04-01'), 'plan.periodStart'],
    ['a NUL in a name', (f) => (f.agencies[0].name = 'The\u0000Council'), 'agencies[0].name'],
    ['half a surrogate pair', (f) => (f.themes[0].title = '\ud800'), 'themes[0].title'],
    [
      'a list where a contact belongs',
      (f) => (f.agencies[0].contacts = [[]] as never),
      'agencies[0].contacts[0]',
    ],
    ['no email', (f) => (f.agencies[1].contacts[0].email = 'bob'), 'agencies[1].contacts[0].email'],
    [
      'a role that is not one',
      (f) => (f.agencies[1].contacts[0].role = 'rol' as never),
      'agencies[1].contacts[0].role',
    ],
    ['an empty measure reference', (f) => (f.themes[0].measures[1].ref = ''), 'themes[0].measures[1].ref'],
    [
      'a lead agency that is a list',
      (f) => (f.themes[0].measures[0].leadAgency = ['x'] as never),
      'themes[0].measures[0].leadAgency',
    ],
    ['measures that are not a list', (f) => (f.themes[0].measures = {} as never), 'themes[0].measures'],
    [
      'a plan title of two lines (mail prints it)',
      (f) => (f.plan.title = 'Plan\nBcc: evil@example.com'),
      'plan.title',
    ],
    [
      'a partnership name with a control character',
      (f) => (f.partnership.name = 'LSP\u0001'),
      'partnership.name',
    ],
    ['an agency name with a line break', (f) => (f.agencies[0].name = 'A\r\nB'), 'agencies[0].name'],
  ])('refuses a file with %s (malformed-plan, unprocessable)', (_what, spoil, field) => {
    const spoilt = file();
    spoil(spoilt);
    thenError(
      () => decideImportPlan(spoilt, initialPartnership(), initialPlan()),
      'malformed-plan',
      'unprocessable',
      field,
    );
  });

  describe('indicators', () => {
    const withIndicators = (): PlanFile => {
      const f = file();
      f.themes[0].measures[1].indicators = [
        {
          name: 'Fines issued',
          unit: 'count',
          baseline: null,
          target: 100,
          direction: 'higher-is-better',
          amber: { variance: 10 },
          red: { value: 50 },
        },
      ];
      return f;
    };

    it('a measure added with indicators carries them; one without has no indicators key', () => {
      const { planEvents } = decideImportPlan(withIndicators(), initialPartnership(), initialPlan());
      const added = planEvents.filter((e) => e.type === 'MeasureAdded').map((e) => e.data);
      expect('indicators' in added[0]).toBe(false);
      expect(added[1].indicators).toEqual(withIndicators().themes[0].measures[1].indicators);
    });

    it('adding, changing and dropping indicators are MeasureChanged events; the same file again is none', () => {
      expect(reimport(file(), withIndicators()).planEvents).toEqual([
        {
          type: 'MeasureChanged',
          data: { ref: 'S2', changes: { indicators: withIndicators().themes[0].measures[1].indicators } },
        },
      ]);
      const changed = withIndicators();
      changed.themes[0].measures[1].indicators![0].target = 120;
      expect(reimport(withIndicators(), changed).planEvents).toMatchObject([
        { type: 'MeasureChanged', data: { ref: 'S2', changes: { indicators: [{ target: 120 }] } } },
      ]);
      expect(reimport(withIndicators(), file()).planEvents).toEqual([
        { type: 'MeasureChanged', data: { ref: 'S2', changes: { indicators: [] } } },
      ]);
      expect(reimport(withIndicators(), withIndicators()).planEvents).toEqual([]);
      // As read back from jsonb, which orders an object's keys its own way.
      const reordered = withIndicators();
      const [indicator] = reordered.themes[0].measures[1].indicators!;
      reordered.themes[0].measures[1].indicators = [
        Object.fromEntries(Object.entries(indicator).reverse()) as typeof indicator,
      ];
      expect(reimport(reordered, withIndicators()).planEvents).toEqual([]);
    });

    it('a measure recorded before indicators existed reads as none: re-importing it records nothing', () => {
      // An event as an older release wrote it: no indicators key at all.
      const old: PlanEvent[] = decideImportPlan(file(), initialPartnership(), initialPlan()).planEvents;
      const plan = old.reduce(evolvePlan, initialPlan());
      const partnership = decideImportPlan(
        file(),
        initialPartnership(),
        initialPlan(),
      ).partnershipEvents.reduce(evolvePartnership, initialPartnership());
      expect(old.some((e) => e.type === 'MeasureAdded' && 'indicators' in e.data)).toBe(false);
      expect(decideImportPlan(file(), partnership, plan).planEvents).toEqual([]);
    });

    it('the recorded plan written as YAML keeps its indicators, a missing baseline left out, and imports as no change', () => {
      const first = decideImportPlan(withIndicators(), initialPartnership(), initialPlan());
      const partnership = first.partnershipEvents.reduce(evolvePartnership, initialPartnership());
      const plan = first.planEvents.reduce(evolvePlan, initialPlan());
      if (partnership.status !== 'registered' || plan.status !== 'adopted') throw new Error('not adopted');
      const yaml = planFileYaml(recordedPlanFile(partnership, plan));
      expect(yaml).toContain('name: Fines issued');
      expect(yaml).not.toContain('baseline');
      const parsed = parsePlanFile(yaml);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
      expect(decideImportPlan(parsed.plan, partnership, plan).planEvents).toEqual([]);
    });

    it('the backstop refuses an indicator whose numbers are not numbers, naming it', () => {
      const bad = withIndicators();
      (bad.themes[0].measures[1].indicators![0] as { target: unknown }).target = Infinity;
      thenError(
        () => decideImportPlan(bad, initialPartnership(), initialPlan()),
        'malformed-plan',
        'unprocessable',
        'themes[0].measures[1].indicators[0]',
      );
    });
  });
});
