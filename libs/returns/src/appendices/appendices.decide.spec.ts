import { coordinator, lead, reviewer, thenError } from '../../../../test/support/decide-spec.js';
import { AppendixCommand, AppendixCycle, decideAppendices } from './appendices.decide.js';
import { AppendixEvent, EnteredCaseStudy, PlacedCaseStudy } from './appendices.events.js';
import { AppendicesState, evolveAppendices, foldAppendices } from './appendices.state.js';

// given-events / when-command / then-events
const given = (...events: AppendixEvent[]): AppendicesState => foldAppendices(events);
const cycle: AppendixCycle = { cycleId: 'y1', measureRefs: ['S1', 'D2'], themeIds: ['safe', 'dynamic'] };
type Without<C> = C extends unknown ? Omit<C, 'actor' | 'cycle'> : never;
const when = (state: AppendicesState, command: Without<AppendixCommand>, actor = coordinator) =>
  decideAppendices({ ...command, actor, cycle } as AppendixCommand, state);

const added = (n: number, title: string): AppendixEvent => ({
  type: 'AppendixAdded',
  data: { cycleId: 'y1', appendixId: `appendix-${n}`, title, introduction: '' },
});
const intern: EnteredCaseStudy = {
  title: 'Krysta Ablethorp, Year 14',
  organisation: 'Sevenoaks District Council and Broomhill Bank School',
  author: 'Lucy Soper, Job Coach',
  measureRef: 'D2',
  themeId: null,
  sections: [{ heading: 'Academic background', body: '- GCSE Mathematics- 5' }],
};
const studyAdded = (n: number, appendix = 1, study = intern): AppendixEvent => ({
  type: 'AppendixCaseStudyAdded',
  data: { appendixId: `appendix-${appendix}`, caseStudyId: `study-${n}`, study },
});
const police: PlacedCaseStudy = {
  returnId: 'y1.S1',
  index: 0,
  measureRef: 'S1',
  themeId: 'safe',
  agencyId: 'csp',
};

describe('a cycle’s appendices', () => {
  it('adds an appendix with the next id, titled and introduced', () => {
    expect(
      when(given(added(1, 'Partner Case Studies')), {
        type: 'AddAppendix',
        title: 'Supported Internship Case Studies',
        introduction: 'completed by Lucy Soper',
      }),
    ).toEqual([
      {
        type: 'AppendixAdded',
        data: {
          cycleId: 'y1',
          appendixId: 'appendix-2',
          title: 'Supported Internship Case Studies',
          introduction: 'completed by Lucy Soper',
        },
      },
    ]);
  });

  it('never reuses the id of a removed appendix', () => {
    const state = given(added(1, 'A'), { type: 'AppendixRemoved', data: { appendixId: 'appendix-1' } });
    expect(when(state, { type: 'AddAppendix', title: 'B', introduction: '' })[0]).toMatchObject({
      data: { appendixId: 'appendix-2' },
    });
    expect(state.appendices).toEqual([]);
  });

  it('lets only a coordinator change them', () => {
    for (const actor of [reviewer, lead]) {
      thenError(
        () => when(given(), { type: 'AddAppendix', title: 'A', introduction: '' }, actor),
        'forbidden',
        'forbidden',
      );
    }
  });

  it('refuses an empty or overlong title, naming the field', () => {
    thenError(
      () => when(given(), { type: 'AddAppendix', title: ' ', introduction: '' }),
      'required',
      'unprocessable',
      'title',
    );
    thenError(
      () => when(given(), { type: 'AddAppendix', title: 'x'.repeat(301), introduction: '' }),
      'too-long',
      'unprocessable',
      'title',
    );
  });

  it('retitles an appendix, and answers not found for one it does not have', () => {
    const state = given(added(1, 'A'));
    expect(
      when(state, {
        type: 'ChangeAppendix',
        appendixId: 'appendix-1',
        title: 'Partner Case Studies',
        introduction: 'i',
      }),
    ).toEqual([
      {
        type: 'AppendixChanged',
        data: { appendixId: 'appendix-1', title: 'Partner Case Studies', introduction: 'i' },
      },
    ]);
    thenError(
      () => when(state, { type: 'RemoveAppendix', appendixId: 'appendix-9' }),
      'appendix-not-found',
      'not-found',
      'appendixId',
    );
  });

  it('moves an appendix to a place counted from 1, and the state follows', () => {
    const state = given(added(1, 'A'), added(2, 'B'), added(3, 'C'));
    const events = when(state, { type: 'MoveAppendix', appendixId: 'appendix-3', position: 1 });
    expect(events).toEqual([{ type: 'AppendixMoved', data: { appendixId: 'appendix-3', position: 0 } }]);
    expect(events.reduce(evolveAppendices, state).appendices.map((a) => a.title)).toEqual(['C', 'A', 'B']);
    thenError(
      () => when(state, { type: 'MoveAppendix', appendixId: 'appendix-1', position: 4 }),
      'out-of-range',
      'unprocessable',
      'position',
    );
  });

  it('adds a case study tied to a measure of the plan, with its organisation and author', () => {
    expect(
      when(given(added(1, 'A'), studyAdded(1)), {
        type: 'AddCaseStudy',
        appendixId: 'appendix-1',
        study: intern,
      }),
    ).toEqual([
      {
        type: 'AppendixCaseStudyAdded',
        data: { appendixId: 'appendix-1', caseStudyId: 'study-2', study: intern },
      },
    ]);
  });

  it('refuses a measure or theme the plan does not have, and a study with no sections', () => {
    const state = given(added(1, 'A'));
    const add = (study: EnteredCaseStudy) => () =>
      when(state, { type: 'AddCaseStudy', appendixId: 'appendix-1', study });
    thenError(add({ ...intern, measureRef: 'Z9' }), 'unknown-measure', 'unprocessable', 'measureRef');
    thenError(add({ ...intern, themeId: 'nowhere' }), 'unknown-theme', 'unprocessable', 'themeId');
    thenError(add({ ...intern, sections: [] }), 'required', 'unprocessable', 'sections');
    thenError(add({ ...intern, organisation: '' }), 'required', 'unprocessable', 'organisation');
    thenError(
      add({ ...intern, sections: [{ heading: '', body: '' }] }),
      'required',
      'unprocessable',
      'sections[0].body',
    );
  });

  it('edits, moves and removes a case study', () => {
    const state = given(added(1, 'A'), studyAdded(1), studyAdded(2), studyAdded(3));
    const changed = { ...intern, title: 'Lauren Hatcher, Year 14' };
    const events = [
      ...when(state, {
        type: 'ChangeCaseStudy',
        appendixId: 'appendix-1',
        caseStudyId: 'study-2',
        study: changed,
      }),
      ...when(state, {
        type: 'MoveCaseStudy',
        appendixId: 'appendix-1',
        caseStudyId: 'study-3',
        position: 1,
      }),
      ...when(state, { type: 'RemoveCaseStudy', appendixId: 'appendix-1', caseStudyId: 'study-1' }),
    ];
    const after = events.reduce(evolveAppendices, state).appendices[0].caseStudies;
    expect(after.map((c) => [c.caseStudyId, c.kind === 'entered' ? c.title : null])).toEqual([
      ['study-3', intern.title],
      ['study-2', 'Lauren Hatcher, Year 14'],
    ]);
  });

  it('stores an introduction and a case study typed in a browser (CRLF, a lone CR) with LF line endings', () => {
    const state = given(added(1, 'A'), studyAdded(1));
    const typed = {
      ...intern,
      sections: [{ heading: 'Academic\r\nbackground', body: '- GCSE Mathematics- 5\r\n- GCSE English- 4\r' }],
    };
    const stored = {
      ...intern,
      sections: [{ heading: 'Academic\nbackground', body: '- GCSE Mathematics- 5\n- GCSE English- 4\n' }],
    };
    expect(
      when(state, {
        type: 'ChangeAppendix',
        appendixId: 'appendix-1',
        title: 'A',
        introduction: 'One\r\ntwo',
      }),
    ).toEqual([
      { type: 'AppendixChanged', data: { appendixId: 'appendix-1', title: 'A', introduction: 'One\ntwo' } },
    ]);
    expect(when(state, { type: 'AddCaseStudy', appendixId: 'appendix-1', study: typed })).toEqual([
      {
        type: 'AppendixCaseStudyAdded',
        data: { appendixId: 'appendix-1', caseStudyId: 'study-2', study: stored },
      },
    ]);
    expect(
      when(state, {
        type: 'ChangeCaseStudy',
        appendixId: 'appendix-1',
        caseStudyId: 'study-1',
        study: typed,
      }),
    ).toEqual([
      {
        type: 'AppendixCaseStudyChanged',
        data: { appendixId: 'appendix-1', caseStudyId: 'study-1', study: stored },
      },
    ]);
  });

  it("places an agency's case study once, and refuses one the cycle's returns do not carry", () => {
    const state = given(added(1, 'A'), added(2, 'B'));
    const place = (found: PlacedCaseStudy | null, appendixId = 'appendix-1') =>
      when(state, { type: 'PlaceAgencyCaseStudy', appendixId, returnId: 'y1.S1', index: 0, found });
    expect(place(police)).toEqual([
      {
        type: 'AgencyCaseStudyPlaced',
        data: { appendixId: 'appendix-1', caseStudyId: 'study-1', placed: police },
      },
    ]);
    thenError(() => place(null), 'no-such-agency-case-study', 'unprocessable', 'index');
    const placed = given(added(1, 'A'), added(2, 'B'), ...place(police));
    thenError(
      () =>
        when(placed, {
          type: 'PlaceAgencyCaseStudy',
          appendixId: 'appendix-2',
          returnId: 'y1.S1',
          index: 0,
          found: police,
        }),
      'already-placed',
      'conflict',
      'index',
    );
    thenError(
      () =>
        when(placed, {
          type: 'ChangeCaseStudy',
          appendixId: 'appendix-1',
          caseStudyId: 'study-1',
          study: intern,
        }),
      'placed-case-study',
      'conflict',
      'caseStudyId',
    );
  });
});
