import { coordinator, reviewer, thenError } from '../../../../test/support/decide-spec.js';
import { CycleCommand, decideCycle } from '../cycle/cycle.decide.js';
import { CycleEvent } from '../cycle/cycle.events.js';
import { CycleFacts, CycleState, evolveCycle, initialCycle } from '../cycle/cycle.state.js';

const given = (...events: CycleEvent[]): CycleState => events.reduce(evolveCycle, initialCycle());
const when = (state: CycleState, command: CycleCommand): CycleEvent[] => decideCycle(command, state);

const facts: CycleFacts = {
  cycleId: 'y1',
  partnershipId: 'lsp',
  planId: 'plan',
  label: 'Year 1 2019/20',
  periodStart: '2019-04-01',
  periodEnd: '2020-03-31',
  dueDate: '2020-04-30',
};
const drafted: CycleEvent = { type: 'CycleDrafted', data: facts };
const set = (reportTitle: string | null, yearHeading: string | null, actor = coordinator): CycleCommand => ({
  type: 'SetReportHeadings',
  actor,
  reportTitle,
  yearHeading,
});

describe('SetReportHeadings', () => {
  it('records the coordinator’s own title and year heading, which the cycle then holds', () => {
    const state = given(drafted);
    const then = when(state, set('Annual Report 2019/20', 'First year (2019/20)'));
    expect(then).toEqual([
      {
        type: 'ReportHeadingsSet',
        data: { reportTitle: 'Annual Report 2019/20', yearHeading: 'First year (2019/20)' },
      },
    ]);
    expect(then.reduce(evolveCycle, state)).toMatchObject({
      reportTitle: 'Annual Report 2019/20',
      yearHeading: 'First year (2019/20)',
    });
  });

  it('goes back to the default of either with null, leaving the field out of the cycle', () => {
    const state = given(drafted, {
      type: 'ReportHeadingsSet',
      data: { reportTitle: 'Own title', yearHeading: 'Own year' },
    });
    const after = when(state, set(null, 'Own year')).reduce(evolveCycle, state);
    expect(after).not.toHaveProperty('reportTitle');
    expect(after).toMatchObject({ yearHeading: 'Own year' });
  });

  it('records the coordinator’s own opening sentence with them, and takes it back to the default when left out', () => {
    const intro = 'This Annual Report is produced by Sevenoaks District Council on behalf of the LSP';
    const withIntro: CycleCommand = { ...set(null, null), introduction: intro } as CycleCommand;
    const then = when(given(drafted), withIntro);
    expect(then).toEqual([
      { type: 'ReportHeadingsSet', data: { reportTitle: null, yearHeading: null, introduction: intro } },
    ]);
    const state = then.reduce(evolveCycle, given(drafted));
    expect(state).toMatchObject({ introduction: intro });
    expect(when(state, withIntro)).toEqual([]);
    const back = when(state, set(null, null));
    expect(back).toEqual([{ type: 'ReportHeadingsSet', data: { reportTitle: null, yearHeading: null } }]);
    expect(back.reduce(evolveCycle, state)).not.toHaveProperty('introduction');
    for (const bad of ['', ' padded ', 'two\nparagraphs', 'x'.repeat(601)]) {
      thenError(
        () => when(given(drafted), { ...set(null, null), introduction: bad } as CycleCommand),
        expect.any(String) as never,
        'unprocessable',
        'introduction',
      );
    }
  });

  it('records nothing when the headings are already those', () => {
    const state = given({ type: 'CycleDrafted', data: { ...facts, reportTitle: 'T' } });
    expect(when(state, set('T', null))).toEqual([]);
  });

  it.each([
    ['an empty title', '', null, 'reportTitle'],
    ['a title with spaces at its ends', ' T ', null, 'reportTitle'],
    ['a heading over two lines', null, 'Year 1\nApril', 'yearHeading'],
    ['a heading over 200 characters', null, 'y'.repeat(201), 'yearHeading'],
    // An attacker's probe (2026-12-06): a title with a direction override was taken, and printed on every format.
    ['a title holding a direction override', 'Report \u202etropeR', null, 'reportTitle'],
    ['a heading holding an embedding', null, 'Year \u202b1', 'yearHeading'],
    ['a title holding a tab', 'Report\ttitle', null, 'reportTitle'],
  ])('refuses %s, naming the field (422)', (_what, title, heading, field) => {
    const error = thenError(
      () => when(given(drafted), set(title, heading)),
      expect.any(String) as never,
      'unprocessable',
      field,
    );
    expect(error.message).toContain(field);
  });

  it('is the coordinator’s alone', () => {
    thenError(() => when(given(drafted), set('T', null, reviewer)), 'forbidden', 'forbidden');
  });

  it('takes headings given when drafting, checked the same way', () => {
    expect(
      when(given(), { type: 'DraftCycle', actor: coordinator, ...facts, reportTitle: 'Own title' }),
    ).toEqual([{ type: 'CycleDrafted', data: expect.objectContaining({ reportTitle: 'Own title' }) }]);
    thenError(
      () => when(given(), { type: 'DraftCycle', actor: coordinator, ...facts, yearHeading: ' ' }),
      'heading-invalid',
      'unprocessable',
      'yearHeading',
    );
  });
});
