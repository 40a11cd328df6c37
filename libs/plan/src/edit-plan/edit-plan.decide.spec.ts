import { PlanFile } from '../plan-file.js';
import { decideImportPlan } from '../import-plan/import-plan.decide.js';
import { evolvePartnership, evolvePlan, initialPartnership, initialPlan } from '../plan.state.js';
import { thenError } from '../../../../test/support/decide-spec.js';
import { decideEditPlan } from './edit-plan.decide.js';
import { PlanEdit, PlanEditContext } from './plan-edit.js';
import { recordedPlanFile } from './recorded-plan-file.js';

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
    { id: 'fire', name: 'Fire', contacts: [{ name: 'Fay', email: 'fay@example.org', role: 'lead' }] },
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

/** given: the plan as first imported; when: a form's edit; then: the decision. */
function given(context: Partial<PlanEditContext> = {}, imported: PlanFile = file()) {
  const first = decideImportPlan(imported, initialPartnership(), initialPlan());
  const partnership = first.partnershipEvents.reduce(evolvePartnership, initialPartnership());
  const plan = first.planEvents.reduce(evolvePlan, initialPlan());
  const ctx = { askedFor: new Set<string>(), retiredAgencyIds: new Set<string>(), ...context };
  return {
    partnership,
    plan,
    when: (edit: PlanEdit) => decideEditPlan(edit, partnership, plan, ctx),
  };
}

const events = (outcome: ReturnType<ReturnType<typeof given>['when']>) => {
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.problems));
  return [...outcome.decision.partnershipEvents, ...outcome.decision.planEvents];
};
const problems = (outcome: ReturnType<ReturnType<typeof given>['when']>) =>
  outcome.ok ? [] : outcome.problems;

describe('decideEditPlan: a form’s edit, recorded as the import records it', () => {
  it('given the recorded plan written as a file, then importing it decides nothing', () => {
    const { partnership, plan } = given();
    if (partnership.status !== 'registered' || plan.status !== 'adopted') throw new Error('not set up');
    expect(decideImportPlan(recordedPlanFile(partnership, plan), partnership, plan)).toEqual({
      partnershipEvents: [],
      planEvents: [],
    });
  });

  it('when a measure is reworded, then one MeasureChanged', () => {
    const outcome = given().when({
      part: 'measure',
      action: 'change',
      key: 'S2',
      form: { theme: 'safe', text: '  Parking enforced daily ', leadAgency: 'council', priority: '' },
    });
    expect(events(outcome)).toEqual([
      { type: 'MeasureChanged', data: { ref: 'S2', changes: { text: 'Parking enforced daily' } } },
    ]);
  });

  it('when a measure with indicators is reworded or moved, then its indicators stay as they were', () => {
    const withIndicators = file();
    withIndicators.themes[0].measures[1].indicators = [
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
    const outcome = given({}, withIndicators).when({
      part: 'measure',
      action: 'change',
      key: 'S2',
      form: { theme: 'safe', text: 'Parking enforced daily', leadAgency: 'council', priority: '' },
    });
    expect(events(outcome)).toEqual([
      { type: 'MeasureChanged', data: { ref: 'S2', changes: { text: 'Parking enforced daily' } } },
    ]);
  });

  it('when a theme is added with its first measure, then ThemeAdded and MeasureAdded', () => {
    const outcome = given().when({
      part: 'theme',
      action: 'add',
      form: {
        id: 'green',
        title: 'Green Environment',
        ambition: 'Greener',
        leadAgencies: ['council', 'fire'],
        measureRef: 'G1',
        measureText: 'More trees',
        measureLeadAgency: 'council',
      },
    });
    expect(events(outcome)).toEqual([
      {
        type: 'ThemeAdded',
        data: {
          themeId: 'green',
          title: 'Green Environment',
          ambition: 'Greener',
          leadAgencyIds: ['council', 'fire'],
          position: 1,
        },
      },
      {
        type: 'MeasureAdded',
        data: {
          ref: 'G1',
          themeId: 'green',
          text: 'More trees',
          leadAgencyId: 'council',
          priorityRef: null,
          position: 2,
        },
      },
    ]);
  });

  it('when a priority, an agency and a contact are added or removed, then the import’s events', () => {
    const g = given();
    expect(
      events(
        g.when({ part: 'priority', action: 'add', form: { ref: 'S-P2', theme: 'safe', text: 'Roads' } }),
      ),
    ).toEqual([
      { type: 'PriorityAdded', data: { ref: 'S-P2', themeId: 'safe', text: 'Roads', position: 1 } },
    ]);
    expect(
      events(
        g.when({
          part: 'agency',
          action: 'add',
          form: { id: 'nhs', name: 'NHS', contactName: 'Nia', contactEmail: 'nia@example.org' },
        }),
      ),
    ).toEqual([
      { type: 'AgencyAdded', data: { agencyId: 'nhs', name: 'NHS' } },
      {
        type: 'AgencyContactAdded',
        data: { agencyId: 'nhs', name: 'Nia', email: 'nia@example.org', role: 'lead' },
      },
    ]);
    expect(
      events(
        g.when({
          part: 'contact',
          action: 'add',
          form: { agency: 'fire', name: 'Sid', email: 'sid@example.org', role: 'senior' },
        }),
      ),
    ).toEqual([
      {
        type: 'AgencyContactAdded',
        data: { agencyId: 'fire', name: 'Sid', email: 'sid@example.org', role: 'senior' },
      },
    ]);
    expect(events(g.when({ part: 'agency', action: 'remove', key: 'fire', form: {} }))).toEqual([
      { type: 'AgencyRetired', data: { agencyId: 'fire' } },
    ]);
    expect(events(g.when({ part: 'measure', action: 'remove', key: 'S2', form: {} }))).toEqual([
      { type: 'MeasureRetired', data: { ref: 'S2' } },
    ]);
  });

  it('when the form breaks the rules, then each field’s problem in plain words, and no events', () => {
    const outcome = given().when({
      part: 'measure',
      action: 'add',
      form: { ref: '1x', theme: 'nowhere', text: '', leadAgency: 'nobody' },
    });
    expect(problems(outcome)).toEqual([
      {
        field: 'ref',
        message:
          'A reference for the measure must start with a letter and be up to 16 letters, numbers or hyphens, like S1 or S-P1',
      },
      { field: 'theme', message: 'Choose the theme' },
      { field: 'text', message: 'Enter the key success measure' },
      { field: 'leadAgency', message: 'Choose the lead agency' },
    ]);
    expect(
      problems(
        given().when({
          part: 'contact',
          action: 'add',
          form: { agency: 'fire', name: 'X', email: 'ann@example.org', role: 'boss' },
        }),
      ),
    ).toEqual([
      { field: 'email', message: 'Someone at The Council already has this email address' },
      { field: 'role', message: 'Choose whether the contact is a lead or a senior contact' },
    ]);
    expect(
      problems(
        given().when({
          part: 'measure',
          action: 'add',
          form: { ref: 's1', theme: 'safe', text: 'x', leadAgency: 'police' },
        }),
      ),
    ).toEqual([{ field: 'ref', message: 'There is already a measure s1' }]);
  });

  it('when a contact’s email or a name holds invisible or lookalike characters, then the field’s problem, as an import', () => {
    const contact = (name: string, email: string) =>
      problems(
        given().when({ part: 'contact', action: 'add', form: { agency: 'fire', name, email, role: 'lead' } }),
      );
    const ascii = 'The email address must be written in plain ASCII letters, digits and signs';
    for (const [email, where] of [
      ['priya.shah\u200b@example.org', 'U+200B at character 11'],
      ['\uff50riya.shah@example.org', 'U+FF50 at character 1'],
      ['priya.shah@ex\u0430mple.org', 'U+0430 at character 14'],
    ]) {
      expect(contact('Priya Shah', email)).toEqual([
        {
          field: 'email',
          message: expect.stringMatching(new RegExp(`^${ascii}.*\\(${where.replace('+', '\\+')}\\)`)),
        },
      ]);
    }
    expect(contact('Evil\u202eGnp', 'evil@example.org')).toEqual([
      {
        field: 'name',
        message: expect.stringMatching(
          /^The contact’s name must not hold invisible .*\(U\+202E at character 5\)/,
        ),
      },
    ]);
    expect(
      problems(
        given().when({
          part: 'agency',
          action: 'add',
          form: { id: 'nhs', name: 'N\u200bHS', contactName: 'Nia', contactEmail: 'n\u0456a@example.org' },
        }),
      ),
    ).toEqual([
      { field: 'name', message: expect.stringContaining('The agency’s name must not hold invisible') },
      { field: 'contactEmail', message: expect.stringContaining(ascii) },
    ]);
    expect(contact('Zoë Ó Súilleabháin', 'zoe@example.org')).toEqual([]);
  });

  it('given a plan recorded before invisible characters were refused, then it can still be edited and mended', () => {
    // An earlier release recorded these; the import's rules refuse them now, and each edit is checked whole.
    const old = file();
    old.themes[0].title = 'Safe\u200b Communities';
    old.agencies[0].contacts[0].name = 'Ann\u202e';
    const plan = given({}, old);
    expect(
      events(
        plan.when({
          part: 'measure',
          action: 'change',
          key: 'S2',
          form: { theme: 'safe', text: 'Parking enforced daily', leadAgency: 'council', priority: '' },
        }),
      ),
    ).toEqual([{ type: 'MeasureChanged', data: { ref: 'S2', changes: { text: 'Parking enforced daily' } } }]);
    expect(
      events(
        plan.when({
          part: 'theme',
          action: 'change',
          key: 'safe',
          form: { title: 'Safe Communities', ambition: 'Safer', leadAgencies: ['police'] },
        }),
      ),
    ).toEqual([{ type: 'ThemeChanged', data: { themeId: 'safe', changes: { title: 'Safe Communities' } } }]);
    // What the edit brings is still checked: the form refuses a new invisible character in what it writes.
    expect(
      problems(
        plan.when({
          part: 'measure',
          action: 'change',
          key: 'S1',
          form: { theme: 'safe', text: 'Crime\u200b stays low', leadAgency: 'police', priority: 'S-P1' },
        }),
      ),
    ).toEqual([{ field: 'text', message: expect.stringContaining('must not hold invisible') }]);
  });

  it('when removing what is still needed, then it says why and records nothing', () => {
    expect(
      problems(
        given({ askedFor: new Set(['S2']) }).when({ part: 'measure', action: 'remove', key: 'S2', form: {} }),
      ),
    ).toEqual([
      {
        field: 'remove',
        message: 'S2 stays in the plan: it has been asked for in a cycle. You can change its wording instead',
      },
    ]);
    expect(problems(given().when({ part: 'priority', action: 'remove', key: 'S-P1', form: {} }))).toEqual([
      {
        field: 'remove',
        message: 'Measures S1 are under this priority: give them another priority or none first',
      },
    ]);
    expect(problems(given().when({ part: 'agency', action: 'remove', key: 'police', form: {} }))).toEqual([
      { field: 'remove', message: 'Police leads Safe Communities, S1: choose another lead agency first' },
    ]);
    expect(
      problems(given().when({ part: 'contact', action: 'remove', key: 'fire~fay@example.org', form: {} })),
    ).toEqual([{ field: 'remove', message: 'Fire needs at least one contact: add another first' }]);
    expect(
      problems(
        given({ retiredAgencyIds: new Set(['ambulance']) }).when({
          part: 'agency',
          action: 'add',
          form: { id: 'ambulance', name: 'Ambulance', contactName: 'Al', contactEmail: 'al@example.org' },
        }),
      ),
    ).toEqual([
      {
        field: 'id',
        message: 'The id ambulance was an agency that has left the partnership: choose another',
      },
    ]);
  });

  it('when the part named does not exist, then not found', () => {
    thenError(
      () => given().when({ part: 'measure', action: 'change', key: 'Z9', form: {} }),
      'plan-part-not-found',
      'not-found',
    );
  });
});
