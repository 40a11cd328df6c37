import { LiveCycle, ReturnView } from '../../returns/src/index.js';
import { planWords } from './plan-words.js';
import { doneBanner, queueChoices, reviewQueue } from './review-queue/review-queue.query.js';
import { resubmissionOf } from './review-return/review-return.query.js';
import { cycleDashboard } from './cycle-dashboard/cycle-dashboard.query.js';

/** The pure folds of the staff pages: the dashboard, the review queue, a resubmission's changes. */
const view = (measureRef: string, agencyId: string, status: string, extra: Partial<ReturnView> = {}) =>
  ({
    returnId: `y1.${measureRef}`,
    partnershipId: 'lsp',
    version: 1,
    status,
    cycleId: 'y1',
    measureRef,
    themeId: 't1',
    agencyId,
    dueDate: '2020-04-30',
    originalDueDate: '2020-04-30',
    overdue: false,
    content: { rag: null, narrative: null, dot: null, comments: null, tables: [], caseStudies: [] },
    approved: null,
    sentBackReason: null,
    ...extra,
  }) as ReturnView;

const words = planWords(
  {
    status: 'adopted',
    measures: new Map([['M1', { text: 'Fewer burglaries' }]]),
    themes: new Map([
      ['t1', { themeId: 't1', title: 'Safe' }],
      ['t2', { themeId: 't2', title: 'Healthy' }],
    ]),
  } as never,
  {
    status: 'registered',
    partnershipId: 'lsp',
    name: 'LSP',
    agencies: new Map([
      ['kcc', { id: 'kcc', name: 'Kent County Council', retired: false, contacts: new Map() }],
      ['old', { id: 'old', name: 'Gone', retired: true, contacts: new Map() }],
    ]),
  },
);

describe('the words beside ids', () => {
  it('names measures and agencies, falls back to the id, and lists only agencies still taking part', () => {
    expect([words.measureText('M1'), words.measureText('M9')]).toEqual(['Fewer burglaries', '']);
    expect([words.agencyName('kcc'), words.agencyName('csp')]).toEqual(['Kent County Council', 'csp']);
    expect(words.activeAgencies.map((a) => a.id)).toEqual(['kcc']);
  });
});

describe('the cycle dashboard (given returns, links and chase mails, then the dashboard)', () => {
  const cycle = { status: 'open', cycleId: 'y1', label: 'Year 1' } as LiveCycle;
  const views = [
    view('M1', 'kcc', 'approved'),
    view('M2', 'kcc', 'requested', { overdue: true }),
    view('M3', 'csp', 'submitted'),
    view('M4', 'csp', 'withdrawn'),
  ];
  const links = [{ linkId: 'l1', agencyId: 'csp', contactEmail: 'a@c.test', revoked: false, uses: 0 }];
  const board = cycleDashboard(cycle, 7, views, words, links, new Map([['kcc', { sent: 2, failed: 1 }]]));

  it('groups the returns by agency with their words, overdue count, chase mails and links', () => {
    expect(
      board.agencies.map((a) => ({
        agencyId: a.agencyId,
        name: a.name,
        overdue: a.overdue,
        sent: a.chasesSent,
        failed: a.chasesFailed,
        returns: a.returns.map((r) => `${r.measureRef} ${r.statusText} ${r.measureText}`),
        links: a.links.map((l) => l.linkId),
      })),
    ).toEqual([
      {
        agencyId: 'kcc',
        name: 'Kent County Council',
        overdue: 1,
        sent: 2,
        failed: 1,
        returns: ['M2 Not started ', 'M1 Approved Fewer burglaries'],
        links: [],
      },
      {
        agencyId: 'csp',
        name: 'csp',
        overdue: 0,
        sent: 0,
        failed: 0,
        returns: ['M3 Submitted ', 'M4 Withdrawn '],
        links: ['l1'],
      },
    ]);
  });

  it('counts by state, and leaves withdrawn returns out of completeness', () => {
    expect(board.counts.map((c) => `${c.words} ${c.n}`)).toEqual([
      'Not started 1',
      'In progress 0',
      'Submitted 1',
      'Approved 1',
      'Accepted 0',
      'Withdrawn 1',
    ]);
    expect({ completeness: board.completeness, overdue: board.overdue, version: board.version }).toEqual({
      completeness: 67,
      overdue: 1,
      version: 7,
    });
  });
});

describe('the review queue (given cycles and their returns, then the queue)', () => {
  it('lists only submitted returns, the earliest due first, across cycles', () => {
    const queue = reviewQueue([
      { label: 'Year 2', words, returns: [view('M1', 'kcc', 'submitted', { dueDate: '2021-04-30' })] },
      {
        label: 'Year 1',
        words,
        returns: [view('M1', 'kcc', 'approved'), view('M2', 'csp', 'submitted', { dueDate: '2020-04-30' })],
      },
    ]);
    expect(queue.map((q) => `${q.cycleLabel} ${q.measureRef} ${q.agencyName} ${q.dueDate}`)).toEqual([
      'Year 1 M2 csp 2020-04-30',
      'Year 2 M1 Kent County Council 2021-04-30',
    ]);
  });
});

describe('the review queue filters (given returns in several states, then a filter)', () => {
  const cycles = [
    {
      label: 'Year 1',
      words,
      returns: [
        view('M1', 'kcc', 'submitted'),
        view('M2', 'csp', 'submitted', { themeId: 't2' }),
        view('M3', 'kcc', 'draft', { sentBackReason: 'Add the baseline' }),
        view('M4', 'kcc', 'approved', { themeId: 't2' }),
        view('M5', 'kcc', 'requested'),
      ],
    },
  ];
  const refs = (filter: Parameters<typeof reviewQueue>[1]) =>
    reviewQueue(cycles, filter).map((q) => q.measureRef);

  it('picks by state, theme and agency, together', () => {
    expect(refs({})).toEqual(['M1', 'M2']);
    expect(refs({ state: 'sent-back' })).toEqual(['M3']);
    expect(refs({ state: 'approved' })).toEqual(['M4']);
    expect(refs({ state: 'all' })).toEqual(['M1', 'M2', 'M3', 'M4', 'M5']);
    expect(refs({ theme: 't2' })).toEqual(['M2']);
    expect(refs({ agency: 'kcc' })).toEqual(['M1']);
    expect(refs({ state: 'all', theme: 't2', agency: 'kcc' })).toEqual(['M4']);
  });

  it('offers the themes and agencies that have returns, by name', () => {
    expect(queueChoices(cycles)).toEqual({
      themes: [
        { value: 't2', text: 'Healthy' },
        { value: 't1', text: 'Safe' },
      ],
      agencies: [
        { value: 'csp', text: 'csp' },
        { value: 'kcc', text: 'Kent County Council' },
      ],
    });
  });

  it('says what was done only when the return stands as the action left it', () => {
    expect(doneBanner(cycles, { approved: 'y1.M4' })).toBe('Approved M4 for Kent County Council');
    expect(doneBanner(cycles, { sentBack: 'y1.M3' })).toBe('Sent M3 back to Kent County Council');
    expect(doneBanner(cycles, { approved: 'y1.M1' })).toBeNull();
    expect(doneBanner(cycles, { sentBack: 'y1.M4' })).toBeNull();
    expect(doneBanner(cycles, { approved: 'nope' })).toBeNull();
    expect(doneBanner(cycles, {})).toBeNull();
  });
});

describe('a resubmission (given a return sent back and submitted again, then what the reviewer sees first)', () => {
  const entry = (version: number, type: string, data: unknown, reason: string | null = null) => ({
    version,
    type,
    at: '',
    actorId: 'ann',
    actorRole: 'agency-lead',
    reason,
    data,
  });
  const content = (narrative: string) => ({
    rag: 'green' as const,
    narrative,
    dot: null,
    comments: null,
    tables: [],
    caseStudies: [],
  });
  const submitted = (version: number, narrative: string) =>
    entry(version, 'ReturnSubmitted', { content: content(narrative) });
  const sentBack = (version: number, reason: string) => entry(version, 'ReturnSentBack', { reason }, reason);

  it('is nothing for a first submission, or one sent back and not yet submitted again', () => {
    expect(resubmissionOf(view('M1', 'kcc', 'submitted', { history: [submitted(2, 'Done')] }))).toBeNull();
    const waiting = view('M1', 'kcc', 'draft', { history: [submitted(2, 'Done'), sentBack(3, 'Why?')] });
    expect(resubmissionOf(waiting)).toBeNull();
  });

  it('is the last reason, and the change from the version sent back to the one submitted now', () => {
    const again = view('M1', 'kcc', 'submitted', {
      history: [
        submitted(2, 'Done'),
        sentBack(3, 'Say how many'),
        submitted(4, 'Done: 12'),
        sentBack(5, 'Add the baseline'),
        submitted(6, 'Done: 12 against 10'),
      ],
      content: content('Done: 12 against 10'),
    });
    const found = resubmissionOf(again)!;
    expect(found.reason).toBe('Add the baseline');
    expect(found.version).toBe(5);
    expect(found.changes.narrative.filter((w) => w.op !== ' ')).toEqual([{ op: '+', text: 'against 10' }]);
  });
});
