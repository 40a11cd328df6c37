import { LiveCycle, ReturnView } from '../../returns/src/index.js';
import { planWords } from './plan-words.js';
import { reviewQueue } from './review-queue/review-queue.query.js';
import { changesSinceLastSubmission } from './review-return/review-return.query.js';
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
    themes: new Map(),
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

describe('what changed since the last submission', () => {
  const submission = (narrative: string) => ({
    version: 2,
    type: 'ReturnSubmitted',
    at: '',
    actorId: 'ann',
    actorRole: 'agency-lead',
    reason: null,
    data: { content: { rag: 'green', narrative, dot: null, comments: null, tables: [], caseStudies: [] } },
  });
  it('is nothing for a first submission, and the change from the one sent back for a resubmission', () => {
    const first = view('M1', 'kcc', 'submitted', { history: [submission('Done')] });
    expect(changesSinceLastSubmission(first)).toBeNull();
    const again = view('M1', 'kcc', 'submitted', {
      history: [submission('Done'), submission('Done better')],
      content: {
        rag: 'green',
        narrative: 'Done better',
        dot: null,
        comments: null,
        tables: [],
        caseStudies: [],
      },
    });
    expect(changesSinceLastSubmission(again)?.map((c) => c.field)).toEqual(['narrative']);
  });
});
