import { LiveCycle, ReturnView } from '../../../returns/src/index.js';
import { PlanWords } from '../plan-words.js';
import {
  chartRow,
  cycleDashboard,
  cycleProgress,
  needsAttentionFirst,
  progressOf,
  returnsInOrder,
} from './cycle-dashboard.query.js';

const view = (
  measureRef: string,
  agencyId: string,
  themeId: string,
  status: string,
  extra: Partial<ReturnView> = {},
) =>
  ({
    returnId: `y1.${measureRef}`,
    status,
    cycleId: 'y1',
    measureRef,
    themeId,
    agencyId,
    dueDate: '2026-12-23',
    overdue: false,
    sentBackReason: null,
    ...extra,
  }) as ReturnView;

const words: PlanWords = {
  measureIndicators: () => [],
  measureText: (ref) => `measure ${ref}`,
  agencyName: (id) =>
    ({ kcc: 'Kent County Council', sdc: 'Sevenoaks District Council', csp: 'Community Safety Partnership' })[
      id
    ] ?? id,
  themeTitle: (id) => ({ t1: 'Community safety', t2: 'Health', t3: 'Environment' })[id] ?? id,
  themePosition: (id) => ({ t1: 1, t2: 2, t3: 3 })[id] ?? 99,
  contact: () => null,
  activeAgencies: [],
};

describe('where a return stands for the coordinator', () => {
  it('tells a draft sent back apart from one still being written, and leaves withdrawn ones out', () => {
    expect([
      progressOf({ status: 'requested', sentBackReason: null }),
      progressOf({ status: 'draft', sentBackReason: null }),
      progressOf({ status: 'draft', sentBackReason: 'Add the figures' }),
      progressOf({ status: 'submitted', sentBackReason: null }),
      progressOf({ status: 'approved', sentBackReason: null }),
      progressOf({ status: 'withdrawn', sentBackReason: null }),
    ]).toEqual(['not-started', 'in-progress', 'sent-back', 'submitted', 'approved', null]);
  });
});

describe('a bar of the progress chart', () => {
  it('given returns at each stage, then the segments follow one another and fill the bar', () => {
    const row = chartRow('t1', 'Community safety', [
      view('1', 'kcc', 't1', 'approved'),
      view('2', 'kcc', 't1', 'approved'),
      view('3', 'kcc', 't1', 'submitted'),
      view('4', 'kcc', 't1', 'requested', { overdue: true }),
      view('5', 'kcc', 't1', 'withdrawn'),
    ]);
    expect(row.segments.map((s) => [s.key, s.n, s.x, s.width])).toEqual([
      ['approved', 2, 0, 50],
      ['submitted', 1, 50, 25],
      ['not-started', 1, 75, 25],
    ]);
    expect(row).toMatchObject({ asked: 4, done: 3, overdue: 1 });
    expect(row.sentence).toBe(
      'Community safety: 4 returns asked for, 2 approved, 1 submitted, 1 not started; 1 overdue.',
    );
  });

  it('given nothing asked for, then the bar is empty and says so', () => {
    expect(chartRow('t9', 'Nothing', [view('1', 'kcc', 't9', 'withdrawn')])).toMatchObject({
      asked: 0,
      segments: [],
      sentence: 'Nothing: 0 returns asked for.',
    });
  });
});

describe('what needs the coordinator first', () => {
  it('puts the most overdue first, then the least done, then by name', () => {
    const rows = [
      { name: 'B', overdue: 0, asked: 4, done: 4 },
      { name: 'A', overdue: 0, asked: 4, done: 4 },
      { name: 'C', overdue: 0, asked: 4, done: 1 },
      { name: 'D', overdue: 2, asked: 4, done: 0 },
      { name: 'E', overdue: 1, asked: 4, done: 0 },
    ];
    expect(rows.sort(needsAttentionFirst).map((r) => r.name)).toEqual(['D', 'E', 'C', 'A', 'B']);
  });

  it("orders an agency's returns overdue first, then by due date, then by measure number", () => {
    const ordered = returnsInOrder([
      view('S10', 'kcc', 't1', 'draft'),
      view('S2', 'kcc', 't1', 'draft'),
      view('S3', 'kcc', 't1', 'draft', { dueDate: '2026-12-01' }),
      view('S4', 'kcc', 't1', 'requested', { dueDate: '2027-01-10', overdue: true }),
    ]);
    expect(ordered.map((v) => v.measureRef)).toEqual(['S4', 'S3', 'S2', 'S10']);
  });
});

describe('the cycle dashboard (given a cycle of returns, then totals, themes and agencies)', () => {
  const cycle = { status: 'open', cycleId: 'y1', label: 'Year 1', dueDate: '2026-12-23' } as LiveCycle;
  const board = cycleDashboard(
    cycle,
    3,
    [
      view('S1', 'kcc', 't2', 'approved'),
      view('S2', 'sdc', 't1', 'requested', { overdue: true }),
      view('S3', 'sdc', 't3', 'draft', { sentBackReason: 'Say more' }),
      view('S4', 'csp', 't1', 'submitted'),
      view('S5', 'csp', 't1', 'withdrawn'),
      view('S6', 'kcc', 't3', 'draft'),
    ],
    words,
    [],
    new Map(),
  );

  it('counts the totals, leaving withdrawn returns out of those asked for', () => {
    expect(board.totals.map((t) => `${t.words} ${t.n}`)).toEqual([
      'Returns asked for 5',
      'Not started 1',
      'In progress 1',
      'Sent back 1',
      'Submitted 1',
      'Approved 1',
      'Overdue 1',
    ]);
  });

  it("shows themes in the plan's order and agencies needing attention first", () => {
    expect(board.themes.map((t) => `${t.name} ${t.done}/${t.asked}`)).toEqual([
      'Community safety 1/2',
      'Health 1/1',
      'Environment 0/2',
    ]);
    expect(board.agencies.map((a) => `${a.name} ${a.overdue} ${a.done}/${a.asked}`)).toEqual([
      'Sevenoaks District Council 1 0/2',
      'Kent County Council 0 1/2',
      'Community Safety Partnership 0 1/1',
    ]);
  });

  it('tags each return with its stage', () => {
    const sdc = board.agencies[0];
    expect(sdc.returns.map((r) => `${r.measureRef} ${r.statusText} ${r.statusTag}`)).toEqual([
      'S2 Not started govuk-tag--grey',
      'S3 Sent back govuk-tag--orange',
    ]);
  });
});

describe("a cycle's read-only progress (given a cycle of returns, then what every staff member may read)", () => {
  const cycle = { status: 'open', cycleId: 'y1', label: 'Year 1', dueDate: '2026-12-23' } as LiveCycle;
  const views = [
    view('S1', 'kcc', 't2', 'approved'),
    view('S2', 'sdc', 't1', 'requested', { overdue: true, dueDate: '2026-12-01' }),
    view('S3', 'sdc', 't3', 'draft', { overdue: true, sentBackReason: 'Say more' }),
    view('S4', 'csp', 't1', 'withdrawn', { overdue: true }),
    view('S5', 'kcc', 't3', 'draft', { overdue: true, dueDate: '2026-11-20' }),
  ];

  it('lists the overdue returns, longest overdue first, each with its agency and tag, withdrawn ones left out', () => {
    expect(
      cycleProgress(cycle, 3, views, words).overdueReturns.map(
        (r) => `${r.measureRef} ${r.agencyName} ${r.statusText} ${r.dueDate}`,
      ),
    ).toEqual([
      'S5 Kent County Council In progress 2026-11-20',
      'S2 Sevenoaks District Council Not started 2026-12-01',
      'S3 Sevenoaks District Council Sent back 2026-12-23',
    ]);
  });

  it('holds no link and no chase mail: the coordinator’s dashboard adds those to the same progress', () => {
    const progress = cycleProgress(cycle, 3, views, words);
    const link = { agencyId: 'kcc' } as Parameters<typeof cycleDashboard>[4][number];
    const board = cycleDashboard(cycle, 3, views, words, [link], new Map([['kcc', { sent: 2, failed: 0 }]]));
    expect(progress.agencies.map((a) => Object.keys(a))).not.toContainEqual(
      expect.arrayContaining(['links']),
    );
    expect(board.agencies.find((a) => a.agencyId === 'kcc')).toMatchObject({ chasesSent: 2, links: [link] });
    const { agencies: _p, ...rest } = progress;
    const { agencies: _b, ...boardRest } = board;
    expect(boardRest).toEqual(rest);
    expect(
      board.agencies.map(
        ({ links: _l, chasesSent: _s, chasesFailed: _f, escalatedToCoordinator: _e, ...a }) => a,
      ),
    ).toEqual(progress.agencies);
  });
});
