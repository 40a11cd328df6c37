import type { Actor } from '../../../kernel/src/index.js';
import { ChasePolicy, DEFAULT_CHASE_POLICY } from '../../../kernel/src/index.js';
import { coordinator, lead, reviewer, thenError, viewer } from '../../../../test/support/decide-spec.js';
import { returnIdFor } from '../return/return.events.js';
import { CycleCommand, decideCycle, PlanMeasure } from './cycle.decide.js';
import { CycleEvent } from './cycle.events.js';
import { CycleFacts, CycleState, evolveCycle, initialCycle } from './cycle.state.js';

// given-events / when-command / then-events
const given = (...events: CycleEvent[]): CycleState => events.reduce(evolveCycle, initialCycle());
const when = (state: CycleState, command: CycleCommand): CycleEvent[] => decideCycle(command, state);

const facts: CycleFacts = {
  cycleId: 'y1',
  partnershipId: 'lsp',
  planId: 'plan',
  label: 'Year 1 2019/20 (April 2019 - March 2020)',
  periodStart: '2019-04-01',
  periodEnd: '2020-03-31',
  dueDate: '2020-04-30',
};

const planMeasures: PlanMeasure[] = [
  { ref: 'S1', themeId: 'safe', leadAgencyId: 'csp' },
  { ref: 'C3', themeId: 'caring', leadAgencyId: 'kcc' },
  { ref: 'G1', themeId: 'green', leadAgencyId: 'sdc' },
];

const now = new Date('2020-01-06T09:30:00.000Z');

const drafted: CycleEvent = { type: 'CycleDrafted', data: facts };
const opened: CycleEvent = {
  type: 'CycleOpened',
  data: {
    openedAt: now.toISOString(),
    returns: [{ returnId: 'y1.C3', measureRef: 'C3', themeId: 'caring', agencyId: 'kcc' }],
  },
};
const closed: CycleEvent = {
  type: 'CycleClosed',
  data: { forced: false, reason: null, unresolvedReturnIds: [] },
};
const published: CycleEvent = {
  type: 'ReportPublished',
  data: { contentHash: 'sha256:aaa', publishedAt: '2020-06-01T12:00:00.000Z' },
};

const draft = (overrides: Partial<CycleFacts> = {}): CycleCommand => ({
  type: 'DraftCycle',
  actor: coordinator,
  ...facts,
  ...overrides,
});
const open = (measureRefs?: string[]): CycleCommand => ({
  type: 'OpenCycle',
  actor: coordinator,
  now,
  planMeasures,
  ...(measureRefs ? { measureRefs } : {}),
});
const close = (
  unresolvedReturnIds: string[] = [],
  extra: { force?: boolean; reason?: string } = {},
): CycleCommand => ({
  type: 'CloseCycle',
  actor: coordinator,
  unresolvedReturnIds,
  ...extra,
});
const publish = (
  contentHash = 'sha256:bbb',
  at = new Date('2020-06-02T08:00:00.000Z'),
  lastUpdatedDates = false,
): CycleCommand => ({
  type: 'PublishReport',
  actor: coordinator,
  now: at,
  contentHash,
  lastUpdatedDates,
});

describe('decideCycle', () => {
  describe('DraftCycle', () => {
    it('drafts a cycle with its label, period and due date, the default chase policy and one stage', () => {
      expect(when(given(), draft())).toEqual([
        {
          type: 'CycleDrafted',
          data: { ...facts, chasePolicy: DEFAULT_CHASE_POLICY, signOff: 'one-stage' },
        },
      ]);
    });

    it('refuses a label of more than one line or with control characters, which mail would print as lines', () => {
      for (const label of [
        'Year 1\nBcc: evil@example.com',
        'Year 1\r2019',
        'Year\u00011',
        'Year\t1',
        'Y\u2028 1',
      ]) {
        thenError(() => when(given(), draft({ label })), 'malformed-text', 'unprocessable', 'label');
      }
      expect(when(given(), draft({ label: 'Year 1 2019/20 – “Q4”' }))).toHaveLength(1);
    });

    it('records two-stage sign-off when chosen, and refuses any other choice naming the field', () => {
      expect(when(given(), draft({ signOff: 'two-stage' }))).toMatchObject([
        { data: { signOff: 'two-stage' } },
      ]);
      thenError(
        () => when(given(), draft({ signOff: 'board-only' as never })),
        'sign-off-invalid',
        'unprocessable',
        'signOff',
      );
    });

    it('keeps a chase policy given in part, filling in the rest, and refuses one that cannot work', () => {
      const [event] = when(given(), draft({ chasePolicy: { overdueEveryWorkingDays: 3 } as ChasePolicy }));
      expect(event).toMatchObject({
        data: { chasePolicy: { ...DEFAULT_CHASE_POLICY, overdueEveryWorkingDays: 3 } },
      });
      thenError(
        () =>
          when(given(), draft({ chasePolicy: { remindWorkingDaysBefore: [0] } as unknown as ChasePolicy })),
        'invalid-chase-policy',
        'unprocessable',
        'chasePolicy.remindWorkingDaysBefore',
      );
    });

    it.each<[string, CycleEvent[]]>([
      ['drafted', [drafted]],
      ['open', [drafted, opened]],
    ])('is refused when the cycle is already %s (cycle-exists, conflict)', (_status, events) => {
      thenError(() => when(given(...events), draft()), 'cycle-exists', 'conflict');
    });

    it.each<[keyof CycleFacts, string]>([
      ['periodStart', '2019/04/01'],
      ['periodStart', ''],
      ['periodEnd', '31-03-2020'],
      ['periodEnd', '2020-03-32'],
      ['dueDate', '2020-4-30'],
      ['dueDate', '2020-13-01'],
      ['dueDate', 'end of April'],
      ['periodEnd', '2020-02-30'],
      ['dueDate', '2020-04-31'],
    ])('refuses a malformed %s %j (invalid-date, unprocessable)', (field, value) => {
      thenError(() => when(given(), draft({ [field]: value })), 'invalid-date', 'unprocessable', field);
    });

    it.each(['2019-03-31', '2019-04-01'])(
      'refuses a period that ends on %s, not after it starts (period-end-before-start 422, field periodEnd)',
      (periodEnd) => {
        thenError(
          () => when(given(), draft({ periodEnd })),
          'period-end-before-start',
          'unprocessable',
          'periodEnd',
        );
      },
    );

    it.each(['2019-03-01', '2019-04-01'])(
      'refuses a due date of %s, not after the period starts (due-before-period 422, field dueDate)',
      (dueDate) => {
        thenError(() => when(given(), draft({ dueDate })), 'due-before-period', 'unprocessable', 'dueDate');
      },
    );

    it.each(['', '   '])('refuses a blank label %j (label-required 422, field label)', (label) => {
      thenError(() => when(given(), draft({ label })), 'label-required', 'unprocessable', 'label');
    });

    // Issue 10: `"cycleId": null` got through HTTP validation and wrote a cycle into stream `cycle:null`.
    it.each<[keyof CycleFacts, unknown]>([
      ['cycleId', null],
      ['cycleId', undefined],
      ['cycleId', ''],
      ['cycleId', 'Y1 2019'],
      ['cycleId', 'y1.S1'],
      ['cycleId', 'y1\u0000'],
      ['cycleId', 'x'.repeat(65)],
      ['partnershipId', null],
      ['partnershipId', ['lsp']],
      ['planId', { id: 'plan' }],
    ])('refuses %s %j, an id that names nothing (invalid-id, unprocessable)', (field, value) => {
      thenError(() => when(given(), draft({ [field]: value })), 'invalid-id', 'unprocessable', field);
    });

    it.each<[string, unknown]>([
      ['year 0000', '0000-01-01'],
      ['year 0020, a typo for 2020', '0020-04-30'],
      ['year 9999', '9999-12-31'],
      ['a date and time', '2020-04-30T00:00:00Z'],
      ['null', null],
      ['a number', 20200430],
    ])('refuses a due date of %s (invalid-date, unprocessable)', (_what, dueDate) => {
      thenError(
        () => when(given(), draft({ dueDate: dueDate as string })),
        'invalid-date',
        'unprocessable',
        'dueDate',
      );
    });

    it.each<[string, unknown, string]>([
      ['null', null, 'label-required'],
      ['a list', ['Year 1'], 'label-required'],
      ['a NUL character', 'Year\u00001', 'malformed-text'],
      ['half a surrogate pair', 'Year \ud800', 'malformed-text'],
    ])('refuses a label holding %s', (_what, label, code) => {
      thenError(() => when(given(), draft({ label: label as string })), code, 'unprocessable', 'label');
    });
  });

  describe('OpenCycle', () => {
    it('requests a return for every measure of the plan, from its lead agency, under its theme', () => {
      expect(when(given(drafted), open())).toEqual([
        {
          type: 'CycleOpened',
          data: {
            openedAt: '2020-01-06T09:30:00.000Z',
            returns: [
              { returnId: 'y1.S1', measureRef: 'S1', themeId: 'safe', agencyId: 'csp' },
              { returnId: 'y1.C3', measureRef: 'C3', themeId: 'caring', agencyId: 'kcc' },
              { returnId: 'y1.G1', measureRef: 'G1', themeId: 'green', agencyId: 'sdc' },
            ],
          },
        },
      ]);
    });

    it('names each return by returnIdFor(cycleId, measureRef)', () => {
      const [event] = when(given(drafted), open());
      if (event.type !== 'CycleOpened') throw new Error(`expected CycleOpened, got ${event.type}`);
      expect(event.data.returns.map((r) => r.returnId)).toEqual(
        planMeasures.map((m) => returnIdFor('y1', m.ref)),
      );
    });

    it('requests only a chosen subset of measures, each once', () => {
      expect(when(given(drafted), open(['G1', 'S1', 'G1']))).toEqual([
        {
          type: 'CycleOpened',
          data: {
            openedAt: '2020-01-06T09:30:00.000Z',
            returns: [
              { returnId: 'y1.G1', measureRef: 'G1', themeId: 'green', agencyId: 'sdc' },
              { returnId: 'y1.S1', measureRef: 'S1', themeId: 'safe', agencyId: 'csp' },
            ],
          },
        },
      ]);
    });

    it('refuses a measure the plan does not have (unknown-measure 422, field measureRefs), naming it', () => {
      const error = thenError(
        () => when(given(drafted), open(['S1', 'X9'])),
        'unknown-measure',
        'unprocessable',
        'measureRefs',
      );
      expect(error.message).toContain('X9');
    });

    it.each<[unknown, string]>([
      ['S1', 'measureRefs'],
      [[null], 'measureRefs[0]'],
      [['S1', ''], 'measureRefs[1]'],
      [[['S1']], 'measureRefs[0]'],
      [['S1\u0000'], 'measureRefs[0]'],
    ])(
      'refuses measureRefs %j, not a list of references (invalid-id, unprocessable)',
      (measureRefs, field) => {
        thenError(
          () => when(given(drafted), { ...open(), measureRefs } as CycleCommand),
          'invalid-id',
          'unprocessable',
          field,
        );
      },
    );

    it('refuses an empty choice of measures (no-measures 422, field measureRefs)', () => {
      thenError(() => when(given(drafted), open([])), 'no-measures', 'unprocessable', 'measureRefs');
    });

    it.each<[string, CycleEvent[]]>([
      ['open', [drafted, opened]],
      ['closed', [drafted, opened, closed]],
      ['published', [drafted, opened, closed, published]],
    ])('is refused when the cycle is already %s (409)', (status, events) => {
      thenError(() => when(given(...events), open()), `cycle-${status}`, 'conflict');
    });

    it('is refused for a cycle that was never drafted (cycle-not-found, not-found)', () => {
      thenError(() => when(given(), open()), 'cycle-not-found', 'not-found');
    });

    it('leaves the cycle open with its requested returns', () => {
      const state = given(drafted, opened);
      expect(state).toMatchObject({
        status: 'open',
        openedAt: now.toISOString(),
        returns: opened.data.returns,
      });
    });
  });

  describe('CloseCycle', () => {
    it('closes cleanly when no return is unresolved', () => {
      expect(when(given(drafted, opened), close())).toEqual([
        { type: 'CycleClosed', data: { forced: false, reason: null, unresolvedReturnIds: [] } },
      ]);
    });

    it('is a clean close, not a forced one, when force is asked for but nothing is unresolved', () => {
      expect(when(given(drafted, opened), close([], { force: true }))).toEqual([
        { type: 'CycleClosed', data: { forced: false, reason: null, unresolvedReturnIds: [] } },
      ]);
    });

    it('is refused while returns are unresolved (returns-unresolved, conflict)', () => {
      thenError(() => when(given(drafted, opened), close(['y1.C3'])), 'returns-unresolved', 'conflict');
    });

    it('closes anyway when forced with a reason, recording what was unresolved', () => {
      expect(
        when(
          given(drafted, opened),
          close(['y1.C3', 'y1.S1'], { force: true, reason: ' Board meets tomorrow ' }),
        ),
      ).toEqual([
        {
          type: 'CycleClosed',
          data: { forced: true, reason: 'Board meets tomorrow', unresolvedReturnIds: ['y1.C3', 'y1.S1'] },
        },
      ]);
    });

    it.each([true, 'false', 1, 'yes'])('is forced only by force: true, not by %j', (force) => {
      const command = close(['y1.C3'], { force: force as boolean, reason: 'Board meets' });
      if (force === true) expect(when(given(drafted, opened), command)).toHaveLength(1);
      else thenError(() => when(given(drafted, opened), command), 'returns-unresolved', 'conflict');
    });

    it('refuses a reason that cannot be stored (malformed-text 422, field reason)', () => {
      const command = close(['y1.C3'], { force: true, reason: 'Board\u0000meets' });
      thenError(() => when(given(drafted, opened), command), 'malformed-text', 'unprocessable', 'reason');
    });

    it.each([undefined, '', '  ', 42, ['Board meets']])(
      'refuses to force a close without a reason (reason-required 422, field reason) — %j',
      (reason) => {
        thenError(
          () => when(given(drafted, opened), close(['y1.C3'], { force: true, reason: reason as string })),
          'reason-required',
          'unprocessable',
          'reason',
        );
      },
    );

    it.each<[string, CycleEvent[]]>([
      ['drafted', [drafted]],
      ['closed', [drafted, opened, closed]],
      ['published', [drafted, opened, closed, published]],
    ])('is refused when the cycle is %s (409)', (status, events) => {
      thenError(() => when(given(...events), close()), `cycle-${status}`, 'conflict');
    });

    it('leaves the cycle closed', () => {
      expect(given(drafted, opened, closed).status).toBe('closed');
    });
  });

  it.each<[string, CycleCommand]>([
    ['close', close()],
    ['publish', publish()],
  ])('refuses to %s a cycle that does not exist (cycle-not-found, not-found)', (_verb, command) => {
    thenError(() => when(given(), command), 'cycle-not-found', 'not-found');
  });

  describe('PublishReport', () => {
    it('publishes the report of a closed cycle', () => {
      expect(when(given(drafted, opened, closed), publish('sha256:bbb'))).toEqual([
        {
          type: 'ReportPublished',
          data: {
            contentHash: 'sha256:bbb',
            publishedAt: '2020-06-02T08:00:00.000Z',
            lastUpdatedDates: false,
          },
        },
      ]);
    });

    it("records the coordinator's choice to print when each measure was last updated", () => {
      const then = when(
        given(drafted, opened, closed),
        publish('sha256:bbb', new Date('2020-06-02T08:00:00.000Z'), true),
      );
      expect(then).toEqual([
        {
          type: 'ReportPublished',
          data: {
            contentHash: 'sha256:bbb',
            publishedAt: '2020-06-02T08:00:00.000Z',
            lastUpdatedDates: true,
          },
        },
      ]);
    });

    it('publishes again after publishing, and the newest hash is the one the cycle holds', () => {
      const state = given(drafted, opened, closed, published);
      const then = when(state, publish('sha256:ccc', new Date('2020-07-01T00:00:00.000Z')));
      expect(then).toEqual([
        {
          type: 'ReportPublished',
          data: {
            contentHash: 'sha256:ccc',
            publishedAt: '2020-07-01T00:00:00.000Z',
            lastUpdatedDates: false,
          },
        },
      ]);
      expect(then.reduce(evolveCycle, state)).toMatchObject({
        status: 'published',
        contentHash: 'sha256:ccc',
      });
    });

    it.each<[string, CycleEvent[]]>([
      ['drafted', [drafted]],
      ['open', [drafted, opened]],
    ])('is refused before the cycle is closed: %s (409)', (status, events) => {
      thenError(() => when(given(...events), publish()), `cycle-${status}`, 'conflict');
    });
  });

  describe('only a coordinator', () => {
    const others: [string, Actor][] = [
      ['a reviewer', reviewer],
      ['an agency lead', lead],
      ['a viewer', viewer],
      ['the system', { id: 'worker', partnershipId: 'lsp', role: 'system' }],
    ];

    it.each(others)('may draft a cycle, not %s (forbidden)', (_who, actor) => {
      thenError(() => when(given(), { ...draft(), actor } as CycleCommand), 'forbidden', 'forbidden');
    });

    it.each(others)('may open a cycle, not %s (forbidden)', (_who, actor) => {
      thenError(() => when(given(drafted), { ...open(), actor } as CycleCommand), 'forbidden', 'forbidden');
    });

    it.each(others)('may close a cycle, not %s (forbidden)', (_who, actor) => {
      thenError(
        () => when(given(drafted, opened), { ...close(), actor } as CycleCommand),
        'forbidden',
        'forbidden',
      );
    });

    it('lets the system re-issue a publication (a forgetting by the retention run), not publish one', () => {
      const system: Actor = { id: 'retention', partnershipId: 'lsp', role: 'system' };
      const reissue = { ...publish(), actor: system, reissue: true } as CycleCommand;
      const published = when(given(drafted, opened, closed), publish());
      expect(when(given(drafted, opened, closed, ...published), reissue)).toEqual([
        expect.objectContaining({ type: 'ReportPublished' }),
      ]);
      // Not a first publication, said to be a re-issue.
      thenError(() => when(given(drafted, opened, closed), reissue), 'forbidden', 'forbidden');
      for (const [, actor] of others.filter(([, a]) => a.role !== 'system'))
        thenError(
          () => when(given(drafted, opened, closed), { ...reissue, actor } as CycleCommand),
          'forbidden',
          'forbidden',
        );
    });

    it.each(others)('may publish a report, not %s (forbidden)', (_who, actor) => {
      thenError(
        () => when(given(drafted, opened, closed), { ...publish(), actor } as CycleCommand),
        'forbidden',
        'forbidden',
      );
    });
  });
});
