import { coordinator, reviewer, thenError } from '../../../../test/support/decide-spec.js';
import { CycleEvent } from '../cycle/cycle.events.js';
import { evolveCycle, initialCycle } from '../cycle/cycle.state.js';
import { HistoricalFile } from './historical-file.js';
import { readReportJson } from './read-report-json.js';
import {
  decideRecordHistoricalCycle,
  HistoricalCycleState,
  RecordHistoricalCycle,
} from './record-historical-cycle.decide.js';

// given-events / when-command / then-events
const PLAN = [
  { ref: 'S1', themeId: 'safe', leadAgencyId: 'csp' },
  { ref: 'S2', themeId: 'safe', leadAgencyId: 'csp' },
  { ref: 'C3', themeId: 'caring', leadAgencyId: 'kcc' },
];
const SOURCE = { kind: 'json' as const, fileName: 'y1.json', sha256: 'a'.repeat(64) };
const report = (measures: unknown[], extra: object = {}) => ({
  label: 'Year 1 2019/20',
  periodStart: '2019-04-01',
  periodEnd: '2020-03-31',
  title: 'Community Plan Annual Monitoring Report 2019/20',
  yearHeading: 'Year 1 (April 2019 - March 2020)',
  themes: [{ themeId: 'safe', measures }],
  ...extra,
});
const s1 = { ref: 'S1', rag: 'green', narrative: '98% on target.', dot: null, comments: 'Above 85%' };
const c3 = {
  ref: 'C3',
  rag: 'amber',
  narrative: 'NEET fell.',
  dot: 'improving',
  comments: null,
  tables: [{ caption: 'NEET', header: ['District', 'NEET'], rows: [['Sevenoaks', '2.1%']] }],
};

const given = (...events: CycleEvent[]): HistoricalCycleState => ({
  cycle: events.reduce(evolveCycle, initialCycle()),
  recorded: [],
});
const when = (
  state: HistoricalCycleState,
  file: HistoricalFile,
  overrides: Partial<RecordHistoricalCycle> = {},
) =>
  decideRecordHistoricalCycle(
    {
      type: 'RecordHistoricalCycle',
      actor: coordinator,
      now: new Date('2026-12-03T09:00:00Z'),
      cycleId: 'lsp~y1',
      planId: 'plan',
      source: SOURCE,
      file,
      planMeasures: PLAN,
      ...overrides,
    },
    state,
  );
const problemsOf = (act: () => unknown) =>
  (
    thenError(act, 'invalid-historical-file', 'unprocessable', 'file').details!.problems as {
      at: { pointer: string };
      message: string;
    }[]
  ).map((p) => `${p.at.pointer}: ${p.message}`);

describe('recording a past cycle from an old report', () => {
  it('drafts, marks, opens and closes the cycle, and requests and approves each return as the coordinator', () => {
    const { cycle, returns } = when(given(), readReportJson(report([s1, c3])));
    expect(cycle.map((e) => e.type)).toEqual([
      'CycleDrafted',
      'CycleRecordedFromHistory',
      'CycleOpened',
      'CycleClosed',
    ]);
    expect(cycle[0].data).toMatchObject({
      cycleId: 'lsp~y1',
      partnershipId: 'lsp',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2020-03-31',
      reportTitle: 'Community Plan Annual Monitoring Report 2019/20',
      yearHeading: 'Year 1 (April 2019 - March 2020)',
    });
    expect(cycle[1].data).toEqual({ source: SOURCE, recordedBy: 'cora', returnCount: 2 });
    expect(cycle[3].data).toEqual({ forced: false, reason: null, unresolvedReturnIds: [] });
    expect(cycle.some((e) => e.type.startsWith('SubmissionLink'))).toBe(false);
    expect(returns).toEqual([
      {
        streamId: 'return:lsp~y1.S1',
        events: [
          {
            type: 'ReturnRequested',
            data: expect.objectContaining({ returnId: 'lsp~y1.S1', themeId: 'safe', agencyId: 'csp' }),
          },
          {
            type: 'ReturnApproved',
            data: {
              content: { rag: 'green', narrative: '98% on target.', comments: 'Above 85%' },
              by: 'cora',
            },
          },
        ],
      },
      {
        streamId: 'return:lsp~y1.C3',
        events: [
          { type: 'ReturnRequested', data: expect.objectContaining({ themeId: 'caring', agencyId: 'kcc' }) },
          {
            type: 'ReturnApproved',
            data: {
              content: {
                rag: 'amber',
                narrative: 'NEET fell.',
                dot: 'improving',
                tables: c3.tables,
              },
              by: 'cora',
            },
          },
        ],
      },
    ]);
    const state = cycle.reduce(evolveCycle, initialCycle());
    expect(state).toMatchObject({
      status: 'closed',
      recordedFromHistory: { source: SOURCE, recordedBy: 'cora' },
    });
  });

  it('names every problem of the file by its JSON pointer and records nothing', () => {
    const bad = report(
      [
        { ...s1, rag: 'purple' },
        { ...s1, dot: 'sideways' },
        { ref: 'X9', rag: 'green', narrative: 'Not in the plan' },
        { ...c3, narrative: '  ', tables: [{ caption: 'T', header: ['a'], rows: [['1', '2']] }] },
        'S2',
      ],
      { periodEnd: '2020-02-30', label: '' },
    );
    expect(problemsOf(() => when(given(), readReportJson(bad)))).toEqual([
      '/label: must be one line of words',
      '/periodEnd: must be a real date written YYYY-MM-DD',
      '/themes/0/measures/0/rag: must be one of red, amber, green',
      '/themes/0/measures/1/dot: must be one of improving, no-change, declining, new, or null',
      '/themes/0/measures/3/narrative: must say what progress was made',
      '/themes/0/measures/3/tables/0/rows/0: has more cells than the header',
      '/themes/0/measures/4: must be a measure: ref, rag, narrative, dot, comments',
      '/themes/0/measures/1/ref: S1 is given more than once',
      '/themes/0/measures/2/ref: X9 is not a measure of the plan',
    ]);
  });

  it('refuses a period not yet over, and one that ends before it starts', () => {
    expect(
      problemsOf(() => when(given(), readReportJson(report([s1], { periodEnd: '2027-03-31' })))),
    ).toEqual(['/periodEnd: must be in the past: a cycle still running is opened, not recorded']);
    expect(
      problemsOf(() => when(given(), readReportJson(report([s1], { periodEnd: '2019-03-31' })))),
    ).toEqual(['/periodEnd: must be after the period starts']);
  });

  it('refuses what is not a report at all, and a report without a measure', () => {
    expect(problemsOf(() => when(given(), readReportJson([])))).toEqual([
      ': must be a report: an object with label, periodStart, periodEnd and themes',
    ]);
    expect(problemsOf(() => when(given(), readReportJson(report([]))))).toEqual([
      '/themes: must hold at least one measure with its return',
    ]);
  });

  it('refuses the same file a second time, naming the cycle it was recorded as', () => {
    const state = { ...given(), recorded: [{ sha256: SOURCE.sha256, cycleId: 'lsp~y0' }] };
    const error = thenError(
      () => when(state, readReportJson(report([s1]))),
      'history-already-recorded',
      'conflict',
      'file',
    );
    expect(error.details).toEqual({ cycleId: 'lsp~y0' });
  });

  it('refuses a cycle name already taken, and anyone but a coordinator', () => {
    const drafted: CycleEvent = {
      type: 'CycleDrafted',
      data: {
        cycleId: 'lsp~y1',
        partnershipId: 'lsp',
        planId: 'plan',
        label: 'Y1',
        periodStart: '2019-04-01',
        periodEnd: '2020-03-31',
        dueDate: '2020-04-30',
      },
    };
    thenError(
      () => when(given(drafted), readReportJson(report([s1]))),
      'cycle-exists',
      'conflict',
      'cycleId',
    );
    thenError(
      () => when(given(), readReportJson(report([s1])), { actor: reviewer }),
      'forbidden',
      'forbidden',
    );
  });
});
