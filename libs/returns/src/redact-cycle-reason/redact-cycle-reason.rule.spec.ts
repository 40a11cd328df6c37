import { createHash } from 'node:crypto';
import { coordinator, reviewer, thenError } from '../../../../test/support/decide-spec.js';
import { CycleEvent } from '../cycle/cycle.events.js';
import { evolveCycle, initialCycle } from '../cycle/cycle.state.js';
import { decideRedactCycleReason, RedactCycleReason, reasonsGivenOn } from './redact-cycle-reason.rule.js';

// given-events / when-command / then-events
const NAME = 'Sam Closed-Example';
const drafted: CycleEvent = {
  type: 'CycleDrafted',
  data: {
    cycleId: 'y1',
    partnershipId: 'lsp',
    planId: 'plan',
    label: 'Year 1',
    periodStart: '2019-04-01',
    periodEnd: '2020-03-31',
    dueDate: '2020-04-30',
  },
};
const opened: CycleEvent = {
  type: 'CycleOpened',
  data: { openedAt: '2020-01-06T09:30:00.000Z', returns: [] },
};
const revoked: CycleEvent = {
  type: 'SubmissionLinkRevoked',
  data: { linkId: 'l1', reason: `${NAME} has left the agency` },
};
const forced: CycleEvent = {
  type: 'CycleClosed',
  data: { forced: true, reason: `Waiting on ${NAME} no longer`, unresolvedReturnIds: ['y1.S1'] },
};
const when = (events: CycleEvent[], overrides: Partial<RedactCycleReason> = {}) =>
  decideRedactCycleReason(
    {
      type: 'RedactCycleReason',
      actor: coordinator,
      passage: NAME,
      reason: 'Names a member of staff',
      reasons: reasonsGivenOn(events),
      ...overrides,
    },
    events.reduce(evolveCycle, initialCycle()),
  );

describe('redacting a passage from the reasons given on a cycle', () => {
  it('records why, by whom, and the passage’s SHA-256 and length, never the passage', () => {
    const then = when([drafted, opened, revoked, forced]);
    expect(then).toEqual([
      {
        type: 'CyclePassageRedacted',
        data: {
          field: 'reasons',
          passageSha256: createHash('sha256').update(NAME, 'utf8').digest('hex'),
          passageLength: NAME.length,
          reason: 'Names a member of staff',
          by: coordinator.id,
        },
      },
    ]);
    expect(JSON.stringify(then)).not.toContain(NAME);
  });

  it('finds the passage in a revoked link’s reason alone, or a forced close’s alone', () => {
    expect(when([drafted, opened, revoked])).toHaveLength(1);
    expect(when([drafted, opened, forced])).toHaveLength(1);
  });

  it('refuses a passage no reason holds, naming the passage; an unforced close gives none', () => {
    const unforced: CycleEvent = {
      type: 'CycleClosed',
      data: { forced: false, reason: null, unresolvedReturnIds: [] },
    };
    thenError(() => when([drafted, opened, unforced]), 'passage-not-found', 'unprocessable', 'passage');
    thenError(
      () => when([drafted, opened, forced], { passage: 'Nobody' }),
      'passage-not-found',
      'unprocessable',
      'passage',
    );
  });

  it('refuses a reason that repeats the passage, in any case', () => {
    thenError(
      () => when([drafted, opened, forced], { reason: `${NAME.toUpperCase()} asked` }),
      'reason-holds-passage',
      'unprocessable',
      'reason',
    );
  });

  it('is the coordinator’s alone, and needs a cycle', () => {
    thenError(() => when([drafted, opened, forced], { actor: reviewer }), 'forbidden', 'forbidden');
    thenError(() => when([]), 'cycle-not-found', 'not-found');
  });

  it('leaves the cycle as it was: a redaction is nothing its rules weigh', () => {
    const before = [drafted, opened, forced].reduce(evolveCycle, initialCycle());
    expect(evolveCycle(before, when([drafted, opened, forced])[0])).toBe(before);
  });
});
