import { ReturnEvent } from './return.events.js';
import { evolveReturn, initialReturn, LiveReturnState, ReturnState } from './return.state.js';
import { refuseOnClosedCycle } from './closed-cycle.rule.js';

const given = (...events: ReturnEvent[]) =>
  events.reduce<ReturnState>(evolveReturn, initialReturn()) as LiveReturnState;
const requested: ReturnEvent = {
  type: 'ReturnRequested',
  data: {
    returnId: 'c.G2',
    cycleId: 'c',
    partnershipId: 'lsp',
    planId: 'p',
    measureRef: 'G2',
    themeId: 'green',
    agencyId: 'council',
    dueDate: '2020-04-30',
  },
};
const content = { rag: 'green' as const, narrative: 'Done' };
const approved: ReturnEvent[] = [
  { type: 'ReturnSubmitted', data: { content, by: 'ann', late: false } },
  { type: 'ReturnApproved', data: { content, by: 'rita' } },
];

describe('refuseOnClosedCycle', () => {
  it('lets anything through while the cycle is open', () => {
    expect(() => refuseOnClosedCycle('SubmitReturn', 'open', given(requested))).not.toThrow();
  });

  it('freezes a return that was unresolved when the cycle closed', () => {
    for (const command of ['SaveReturnDraft', 'SubmitReturn', 'ExtendDeadline', 'WithdrawReturn'] as const) {
      expect(() => refuseOnClosedCycle(command, 'closed', given(requested))).toThrow(
        expect.objectContaining({ code: 'cycle-closed', kind: 'conflict' }),
      );
    }
  });

  it('still lets an approved return be reopened, amended and reviewed after closing or publishing', () => {
    const amended = given(requested, ...approved, { type: 'ReturnReopened', data: { reason: 'Typo' } });
    for (const command of ['SaveReturnDraft', 'SubmitReturn', 'ApproveReturn', 'SendReturnBack'] as const) {
      expect(() => refuseOnClosedCycle(command, 'published', amended)).not.toThrow();
    }
    expect(() => refuseOnClosedCycle('ReopenReturn', 'closed', given(requested, ...approved))).not.toThrow();
    expect(() => refuseOnClosedCycle('ReassignReturn', 'closed', amended)).toThrow(
      expect.objectContaining({ code: 'cycle-closed' }),
    );
  });
});
