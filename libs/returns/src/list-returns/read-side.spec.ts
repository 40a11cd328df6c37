import { StoredEvent } from '../../../event-store/src/index.js';
import { coordinator, lead, thenError } from '../../../../test/support/decide-spec.js';
import { cycleView } from '../get-cycle/get-cycle.query.js';
import { LiveCycle } from '../cycle/visible-cycle.js';
import { returnDiff } from '../diff-return/diff-return.query.js';
import { CycleEvent, cycleStreamId } from '../cycle/cycle.events.js';
import { cyclesNewestFirst, cycleSummary } from '../list-cycles/list-cycles.query.js';
import { ReturnEvent, returnStreamId } from '../return/return.events.js';
import { listedReturns, returnViews } from './list-returns.query.js';

const now = new Date('2020-05-01T12:00:00Z');

function stored<E extends { type: string; data: unknown }>(
  streamId: string,
  ...events: E[]
): StoredEvent<E>[] {
  return events.map((e, i) => ({
    ...e,
    streamId,
    version: i + 1,
    globalPosition: i + 1,
    schemaVersion: 1,
    metadata: { actorId: 'cora', actorRole: 'coordinator', correlationId: 'c' },
    recordedAt: new Date(Date.UTC(2020, 3, 1 + i)),
    transactionId: '1',
  })) as StoredEvent<E>[];
}

const requested = (measureRef: string, agencyId: string): ReturnEvent => ({
  type: 'ReturnRequested',
  data: {
    returnId: `y1.${measureRef}`,
    cycleId: 'y1',
    partnershipId: 'lsp',
    planId: 'p1',
    measureRef,
    themeId: 't1',
    agencyId,
    dueDate: '2020-04-30',
  },
});
const content = (narrative: string) => ({ rag: 'green' as const, narrative, dot: null, comments: null });
const submitted = (narrative: string): ReturnEvent => ({
  type: 'ReturnSubmitted',
  data: { content: { ...content(narrative), tables: [], caseStudies: [] }, by: 'ann', late: false },
});

const returns = new Map([
  [returnStreamId('y1.M1'), stored(returnStreamId('y1.M1'), requested('M1', 'kcc'), submitted('Done'))],
  [returnStreamId('y1.M2'), stored(returnStreamId('y1.M2'), requested('M2', 'csp'))],
]);
const asked = [{ returnId: 'y1.M1' }, { returnId: 'y1.M2' }, { returnId: 'y1.M3' }];

/** The pure folds of the returns' read side: the returns list, one cycle, the cycles list, a return diff. */
describe('the returns of a cycle (given return events, then the list)', () => {
  it('folds each requested return in the order the cycle asked for them, leaving out any never requested', () => {
    expect(returnViews(asked, returns, now).map((v) => [v.returnId, v.status, v.overdue])).toEqual([
      ['y1.M1', 'submitted', false],
      ['y1.M2', 'requested', true],
    ]);
  });

  it('shows an agency lead only their own, narrows by agency and state, and leaves content out', () => {
    const views = returnViews(asked, returns, now);
    expect(listedReturns(views, lead, {}).map((r) => r.returnId)).toEqual(['y1.M1']);
    expect(listedReturns(views, coordinator, { agencyId: 'csp' }).map((r) => r.returnId)).toEqual(['y1.M2']);
    expect(listedReturns(views, coordinator, { status: 'submitted' }).map((r) => r.returnId)).toEqual([
      'y1.M1',
    ]);
    expect(listedReturns(views, coordinator, {})[0]).not.toHaveProperty('content');
  });

  it('shows a cycle with its returns, an agency lead’s narrowed to their agency', () => {
    const cycle = {
      status: 'open',
      cycleId: 'y1',
      partnershipId: 'lsp',
      planId: 'p1',
      label: 'Year 1',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2020-04-30',
      openedAt: '2020-04-01T00:00:00Z',
      returns: [],
      links: {},
      tokenHashes: {},
    } as LiveCycle;
    const view = cycleView(lead, cycle, 3, returnViews(asked, returns, now));
    expect({ ...view, returns: view.returns.map((r) => r.returnId) }).toEqual({
      cycleId: 'y1',
      version: 3,
      status: 'open',
      partnershipId: 'lsp',
      planId: 'p1',
      label: 'Year 1',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2020-04-30',
      // The report's defaults: the coordinator set no headings of their own.
      reportTitle: null,
      yearHeading: null,
      introduction: null,
      signOff: 'one-stage',
      returns: ['y1.M1'],
    });
  });
});

describe('the cycles list (given cycle events, then the cycles)', () => {
  const drafted = (cycleId: string, periodStart: string): CycleEvent => ({
    type: 'CycleDrafted',
    data: {
      cycleId,
      partnershipId: 'lsp',
      planId: 'p1',
      label: cycleId,
      periodStart,
      periodEnd: '2030-01-01',
      dueDate: '2030-02-01',
    },
  });
  it('puts the latest period first, then the latest drafted, and counts the returns asked for', () => {
    const ids = ['a', 'b', 'c', 'gone'];
    const streams = new Map([
      [cycleStreamId('a'), stored(cycleStreamId('a'), drafted('a', '2019-04-01'))],
      [cycleStreamId('b'), stored(cycleStreamId('b'), drafted('b', '2020-04-01'))],
      [
        cycleStreamId('c'),
        stored<CycleEvent>(cycleStreamId('c'), drafted('c', '2019-04-01'), {
          type: 'CycleOpened',
          data: {
            openedAt: '2019-05-01T00:00:00Z',
            returns: [{ returnId: 'c.M1', measureRef: 'M1', themeId: 't', agencyId: 'kcc' }],
          },
        }),
      ],
    ]);
    expect(
      cyclesNewestFirst(ids, streams)
        .map(cycleSummary)
        .map((c) => [c.cycleId, c.status, c.version, c.returns]),
    ).toEqual([
      ['b', 'drafted', 1, 0],
      ['c', 'open', 2, 1],
      ['a', 'drafted', 1, 0],
    ]);
  });
});

describe('a return diff (given return events, then the changes)', () => {
  const events = stored(returnStreamId('y1.M1'), requested('M1', 'kcc'), submitted('Done'));
  it('shows the content at each version and what changed', () => {
    const diff = returnDiff(coordinator, 'y1.M1', events, 1, 2);
    expect(diff.from.status).toBe('requested');
    expect(diff.to.status).toBe('submitted');
    expect(diff.changes.map((c) => `${c.field} ${c.change}`)).toEqual(['rag added', 'narrative added']);
  });
  it('answers 404 for a return the actor may not see or a version not reached, 422 for from after to', () => {
    thenError(
      () => returnDiff({ ...lead, agencyId: 'csp' }, 'y1.M1', events, 1, 2),
      'return-not-found',
      'not-found',
    );
    thenError(() => returnDiff(coordinator, 'y1.M1', events, 1, 3), 'version-not-found', 'not-found', 'to');
    thenError(() => returnDiff(coordinator, 'y1.M1', events, 2, 1), 'from-after-to', 'unprocessable', 'from');
  });
});
