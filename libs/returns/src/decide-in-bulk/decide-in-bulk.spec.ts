import { coordinator, lead, reviewer, thenError, viewer } from '../../../../test/support/decide-spec.js';
import type { Actor } from '../../../kernel/src/index.js';
import { CycleState } from '../cycle/cycle.state.js';
import { ReturnEvent } from '../return/return.events.js';
import { evolveReturn, initialReturn, LiveReturnState } from '../return/return.state.js';
import { BulkDecideCommand, BULK_DECISIONS, decideInBulk, Loaded } from './decide-in-bulk.rules.js';

// given-events (per return) / when-command / then-events (per return) and refusals
const requested = (ref: string, partnershipId = 'lsp'): ReturnEvent => ({
  type: 'ReturnRequested',
  data: {
    returnId: `y1.${ref}`,
    cycleId: 'y1',
    partnershipId,
    planId: 'plan',
    measureRef: ref,
    themeId: 'caring',
    agencyId: 'kcc',
    dueDate: '2020-04-30',
  },
});
const content = { rag: 'green' as const, narrative: 'Done.', dot: 'improving' as const };
const submittedBy = (by: string): ReturnEvent => ({
  type: 'ReturnSubmitted',
  data: { content, by, late: false },
});
const approvedBy = (by: string): ReturnEvent => ({ type: 'ReturnApproved', data: { content, by } });

type Given = { events: ReturnEvent[]; cycle?: CycleState['status'] };
const submitted = (ref: string, by = lead.id): Given => ({ events: [requested(ref), submittedBy(by)] });

function given(returns: Record<string, Given>): Map<string, Loaded> {
  return new Map(
    Object.entries(returns).map(([ref, { events, cycle }]) => {
      const state = events.reduce(evolveReturn, initialReturn()) as LiveReturnState;
      return [`y1.${ref}`, { state, version: events.length, cycleStatus: cycle ?? 'open', cycleVersion: 2 }];
    }),
  );
}

function when(
  loaded: Map<string, Loaded>,
  command: Partial<BulkDecideCommand> & { refs: [string, number][] },
  actor: Actor = reviewer,
) {
  const { refs, ...rest } = command;
  return decideInBulk(
    {
      decision: 'approve',
      mode: 'valid-only',
      actor,
      returns: refs.map(([ref, version]) => ({ returnId: `y1.${ref}`, version })),
      ...rest,
    },
    loaded,
  );
}

/** A selection with one of each kind of return that cannot be approved, and two that can. */
const mixed = () =>
  given({
    S1: submitted('S1'),
    S2: submitted('S2'),
    // The reviewer wrote this one: four-eyes.
    S3: submitted('S3', reviewer.id),
    // Already approved.
    S4: { events: [...submitted('S4').events, approvedBy('rob')] },
    // Its cycle is closed.
    S5: { ...submitted('S5'), cycle: 'closed' },
    // Another partnership's.
    C1: { events: [requested('C1', 'other-lsp'), submittedBy('x')] },
  });
const everyOne: [string, number][] = [
  ['S1', 2],
  ['S2', 2],
  ['S3', 2],
  ['S4', 3],
  ['S5', 2],
  ['C1', 2],
  ['C9', 1],
];

describe('bulk decisions (given the returns, when a selection is decided, then each its own events)', () => {
  it('valid-only: decides each valid return with its own ReturnApproved and says why the rest cannot be', () => {
    const plan = when(mixed(), { refs: everyOne });
    expect(plan.outcome).toBe('some-decided');
    expect(plan.decide.map((d) => [d.returnId, d.expectedVersion, d.events])).toEqual([
      ['y1.S1', 2, [{ type: 'ReturnApproved', data: { content, by: reviewer.id } }]],
      ['y1.S2', 2, [{ type: 'ReturnApproved', data: { content, by: reviewer.id } }]],
    ]);
    expect(plan.refused).toEqual([
      {
        returnId: 'y1.S3',
        measureRef: 'S3',
        rule: 'approver-edited',
        message: 'You edited this return, so someone else must approve it',
      },
      {
        returnId: 'y1.S4',
        measureRef: 'S4',
        rule: 'return-approved',
        message: 'Cannot approve a return that is approved',
      },
      {
        returnId: 'y1.S5',
        measureRef: 'S5',
        rule: 'cycle-closed',
        message: expect.stringContaining('closed'),
      },
      // Another partnership's return and one that never was read the same, and tell nothing of either.
      { returnId: 'y1.C1', measureRef: null, rule: 'return-not-found', message: 'No such return' },
      { returnId: 'y1.C9', measureRef: null, rule: 'return-not-found', message: 'No such return' },
    ]);
    expect(plan.held).toEqual([]);
  });

  it('all-or-nothing: the same selection decides none, and names the valid ones it held back', () => {
    const plan = when(mixed(), { refs: everyOne, mode: 'all-or-nothing' });
    expect(plan.outcome).toBe('none-decided');
    expect(plan.decide).toEqual([]);
    expect(plan.refused.map((r) => r.returnId)).toEqual(['y1.S3', 'y1.S4', 'y1.S5', 'y1.C1', 'y1.C9']);
    expect(plan.held).toEqual([
      { returnId: 'y1.S1', measureRef: 'S1' },
      { returnId: 'y1.S2', measureRef: 'S2' },
    ]);
  });

  it('all-or-nothing with every return valid decides them all', () => {
    const plan = when(given({ S1: submitted('S1'), S2: submitted('S2') }), {
      refs: [
        ['S1', 2],
        ['S2', 2],
      ],
      mode: 'all-or-nothing',
    });
    expect(plan.outcome).toBe('all-decided');
    expect(plan.decide.map((d) => d.returnId)).toEqual(['y1.S1', 'y1.S2']);
  });

  it('refuses a return changed since the caller saw it, rather than decide it unseen', () => {
    const plan = when(given({ S1: submitted('S1') }), { refs: [['S1', 1]] });
    expect(plan.outcome).toBe('none-decided');
    expect(plan.refused).toEqual([
      {
        returnId: 'y1.S1',
        measureRef: 'S1',
        rule: 'return-changed',
        message: 'It changed since you saw it (you saw version 1; it is now at 2): look at it again',
      },
    ]);
  });

  it('sends back each return with the one reason, trimmed as a single send-back does', () => {
    const plan = when(given({ S1: submitted('S1'), S2: submitted('S2') }), {
      decision: 'send-back',
      reason: '  Add this year’s figures  ',
      refs: [
        ['S1', 2],
        ['S2', 2],
      ],
    });
    expect(plan.decide.map((d) => d.events)).toEqual([
      [{ type: 'ReturnSentBack', data: { reason: 'Add this year’s figures' } }],
      [{ type: 'ReturnSentBack', data: { reason: 'Add this year’s figures' } }],
    ]);
  });

  it('a coordinator decides as a reviewer does; a viewer or agency lead is refused on every return', () => {
    const loaded = given({ S1: submitted('S1') });
    expect(when(loaded, { refs: [['S1', 2]] }, coordinator).outcome).toBe('all-decided');
    expect(when(loaded, { refs: [['S1', 2]] }, viewer).refused[0].rule).toBe('forbidden');
    expect(when(loaded, { refs: [['S1', 2]] }, lead).refused[0].rule).toBe('forbidden');
    // Another agency's lead hears of no return at all, not even its measure.
    const otherLead: Actor = { ...lead, agencyId: 'csp' };
    expect(when(loaded, { refs: [['S1', 2]] }, otherLead).refused[0]).toMatchObject({
      measureRef: null,
      rule: 'return-not-found',
    });
  });

  it('refuses the whole request, naming the field, for a send-back without reason or a return named twice', () => {
    const loaded = given({ S1: submitted('S1') });
    thenError(
      () => when(loaded, { decision: 'send-back', reason: ' ', refs: [['S1', 2]] }),
      'reason-required',
      'unprocessable',
      'reason',
    );
    thenError(
      () => when(loaded, { decision: 'send-back', refs: [['S1', 2]] }),
      'reason-required',
      'unprocessable',
      'reason',
    );
    thenError(
      () => when(loaded, { reason: 'fine', refs: [['S1', 2]] }),
      'reason-not-taken',
      'unprocessable',
      'reason',
    );
    thenError(() => when(loaded, { refs: [] }), 'no-returns', 'unprocessable', 'returns');
    thenError(
      () =>
        when(loaded, {
          refs: [
            ['S1', 2],
            ['S2', 1],
            ['S1', 2],
          ],
        }),
      'return-twice',
      'unprocessable',
      'returns[2].returnId',
    );
  });

  it("refuses to approve a return with an open change request, and watches each approved return's thread", () => {
    const loaded = given({ S1: submitted('S1'), S2: submitted('S2') });
    loaded.set('y1.S2', { ...loaded.get('y1.S2')!, thread: { openChangeRequests: ['m1'], version: 1 } });
    const plan = when(loaded, {
      refs: [
        ['S1', 2],
        ['S2', 2],
      ],
    });
    expect(plan.decide.map((d) => [d.returnId, d.thread])).toEqual([
      ['y1.S1', { streamId: 'conversation:y1.S1', version: 0 }],
    ]);
    expect(plan.refused).toEqual([
      { returnId: 'y1.S2', measureRef: 'S2', rule: 'open-change-requests', message: expect.any(String) },
    ]);
    // Sending back watches no thread: a message cannot make a send-back wrong.
    const back = when(loaded, { decision: 'send-back', reason: 'Please add figures', refs: [['S2', 2]] });
    expect(back.decide.map((d) => d.thread)).toEqual([null]);
  });

  it('accepts a selection of a two-stage cycle: each its own ReturnAccepted, four-eyes across both stages', () => {
    const twoStage = (ref: string): ReturnEvent => {
      const r = requested(ref);
      return r.type === 'ReturnRequested' ? { ...r, data: { ...r.data, signOff: 'two-stage' } } : r;
    };
    const board: Actor = { id: 'bea', partnershipId: 'lsp', role: 'board' };
    const loaded = given({
      S1: { events: [twoStage('S1'), submittedBy(lead.id), approvedBy(reviewer.id)] },
      // The board member approved this one as a reviewer would have: someone else must accept it.
      S2: { events: [twoStage('S2'), submittedBy(lead.id), approvedBy(board.id)] },
      // Still waiting for review: there is nothing to accept yet.
      S3: { events: [twoStage('S3'), submittedBy(lead.id)] },
    });
    const plan = when(
      loaded,
      {
        decision: 'accept',
        refs: [
          ['S1', 3],
          ['S2', 3],
          ['S3', 2],
        ],
      },
      board,
    );
    expect(plan.decide.map((d) => [d.returnId, d.events.map((e) => e.type)])).toEqual([
      ['y1.S1', ['ReturnAccepted']],
    ]);
    expect(plan.refused.map((r) => [r.returnId, r.rule])).toEqual([
      ['y1.S2', 'accepter-not-independent'],
      ['y1.S3', expect.any(String)],
    ]);
    // A reviewer is not the second stage.
    expect(when(loaded, { decision: 'accept', refs: [['S1', 3]] }).refused.map((r) => r.rule)).toEqual([
      'forbidden',
    ]);
  });

  it('each decision is one entry mapping to the single-return command', () => {
    expect(BULK_DECISIONS.approve.command(reviewer)).toEqual({
      type: 'ApproveReturn',
      actor: reviewer,
      openChangeRequests: [],
    });
    expect(BULK_DECISIONS['send-back'].command(reviewer, 'why')).toEqual({
      type: 'SendReturnBack',
      actor: reviewer,
      reason: 'why',
    });
  });
});
