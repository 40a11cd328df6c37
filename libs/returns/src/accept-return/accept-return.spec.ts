import type { Actor } from '../../../kernel/src/index.js';
import {
  coordinator,
  lead,
  otherReviewer,
  reviewer,
  thenError,
  viewer,
} from '../../../../test/support/decide-spec.js';
import { refuseOnClosedCycle } from '../return/closed-cycle.rule.js';
import { ReturnContent } from '../return/return-content.js';
import { decideReturn, ReturnCommand } from '../return/return.decide.js';
import { ReturnEvent } from '../return/return.events.js';
import { evolveReturn, initialReturn, isResolved, ReturnState } from '../return/return.state.js';

// given-events / when-command / then-events
const given = (...events: ReturnEvent[]): ReturnState => events.reduce(evolveReturn, initialReturn());
const when = (state: ReturnState, command: ReturnCommand): ReturnEvent[] => decideReturn(command, state);
const live = (state: ReturnState) => {
  if (state.status === 'none') throw new Error('expected a live return');
  return state;
};

const board: Actor = { id: 'bea', partnershipId: 'lsp', role: 'board' };
const otherBoard: Actor = { id: 'bill', partnershipId: 'lsp', role: 'board' };

const full: ReturnContent = { rag: 'green', narrative: 'All actions achieved.', dot: 'improving' };
const amended: ReturnContent = { ...full, rag: 'amber', narrative: 'Revised: most actions achieved.' };

const requestedIn = (signOff?: 'one-stage' | 'two-stage'): ReturnEvent => ({
  type: 'ReturnRequested',
  data: {
    returnId: 'y1.S1',
    cycleId: 'y1',
    partnershipId: 'lsp',
    planId: 'plan',
    measureRef: 'S1',
    themeId: 'safe',
    agencyId: 'kcc',
    dueDate: '2020-04-30',
    ...(signOff ? { signOff } : {}),
  },
});
const twoStage = requestedIn('two-stage');
const submitted = (content = full, by = lead.id): ReturnEvent => ({
  type: 'ReturnSubmitted',
  data: { content, by, late: false },
});
const approved = (content = full, by = reviewer.id): ReturnEvent => ({
  type: 'ReturnApproved',
  data: { content, by },
});
const accepted = (content = full, by = board.id): ReturnEvent => ({
  type: 'ReturnAccepted',
  data: { content, by },
});
const returnedToReview = (reason = 'Check the figures against the annual survey'): ReturnEvent => ({
  type: 'ReturnReturnedToReview',
  data: { reason, by: board.id },
});
const reopened: ReturnEvent = { type: 'ReturnReopened', data: { reason: 'Figures were revised' } };

describe('two-stage sign-off', () => {
  describe('the sign-off a return is requested under', () => {
    it('is two-stage when its request says so', () => {
      expect(live(given(twoStage)).signOff).toBe('two-stage');
    });

    it('is one-stage for a request recorded before the choice existed', () => {
      expect(live(given(requestedIn())).signOff).toBe('one-stage');
    });

    it('reads anything else a request may hold as one-stage', () => {
      const odd = { ...requestedIn(), data: { ...requestedIn().data, signOff: 'three' } } as never;
      expect(live(given(odd)).signOff).toBe('one-stage');
    });
  });

  describe('ApproveReturn in a two-stage cycle', () => {
    it('leaves the return approved, awaiting acceptance, and not yet the version the report shows', () => {
      const state = live(given(twoStage, submitted(), approved()));
      expect(state.status).toBe('approved');
      expect(state.awaitingAcceptance).toEqual({ content: full, by: reviewer.id });
      expect(state.approved).toBeNull();
      expect(isResolved(state)).toBe(false);
    });

    it('keeps an earlier accepted version as the one the report shows while an amendment awaits acceptance', () => {
      const state = live(
        given(twoStage, submitted(), approved(), accepted(), reopened, submitted(amended), approved(amended)),
      );
      expect(state.approved?.content).toEqual(full);
      expect(state.awaitingAcceptance?.content).toEqual(amended);
    });
  });

  describe('AcceptReturn', () => {
    it('accepts the approved version, by a board member', () => {
      expect(when(given(twoStage, submitted(), approved()), { type: 'AcceptReturn', actor: board })).toEqual([
        { type: 'ReturnAccepted', data: { content: full, by: board.id } },
      ]);
    });

    it('accepts the approved version, by a coordinator', () => {
      expect(
        when(given(twoStage, submitted(), approved()), { type: 'AcceptReturn', actor: coordinator }),
      ).toEqual([{ type: 'ReturnAccepted', data: { content: full, by: coordinator.id } }]);
    });

    it('makes the accepted version the one the report shows, and resolves the return', () => {
      const state = live(given(twoStage, submitted(), approved(), accepted()));
      expect(state.status).toBe('accepted');
      expect(state.approved).toEqual({ content: full, by: board.id });
      expect(state.awaitingAcceptance).toBeNull();
      expect(state.editors).toEqual([]);
      expect(isResolved(state)).toBe(true);
    });

    it.each([
      ['a reviewer', reviewer],
      ['a viewer', viewer],
      ['an agency lead', lead],
    ])('is refused to %s (forbidden)', (_who, actor) => {
      thenError(
        () => when(given(twoStage, submitted(), approved()), { type: 'AcceptReturn', actor }),
        'forbidden',
        'forbidden',
      );
    });

    it('is refused in a one-stage cycle, where the approval is final (one-stage-sign-off, conflict)', () => {
      thenError(
        () =>
          when(given(requestedIn(), submitted(), approved()), { type: 'AcceptReturn', actor: coordinator }),
        'one-stage-sign-off',
        'conflict',
      );
    });

    it('is refused for a return that an old event requested without a sign-off (one stage)', () => {
      thenError(
        () => when(given(requestedIn(), submitted(), approved()), { type: 'AcceptReturn', actor: board }),
        'one-stage-sign-off',
        'conflict',
      );
    });

    it.each([
      ['submitted', [submitted()]],
      ['already accepted', [submitted(), approved(), accepted()]],
      ['returned to review (submitted again)', [submitted(), approved(), returnedToReview()]],
    ])('is refused for a return %s (conflict)', (_what, events) => {
      const state = given(twoStage, ...events);
      thenError(
        () => when(state, { type: 'AcceptReturn', actor: otherBoard }),
        `return-${live(state).status}`,
        'conflict',
      );
    });
  });

  describe('four eyes across both stages', () => {
    it('refuses the person who approved this version (accepter-not-independent, forbidden)', () => {
      thenError(
        () =>
          when(given(twoStage, submitted(), approved(full, coordinator.id)), {
            type: 'AcceptReturn',
            actor: coordinator,
          }),
        'accepter-not-independent',
        'forbidden',
      );
    });

    it('refuses the person who submitted this version', () => {
      thenError(
        () =>
          when(given(twoStage, submitted(full, coordinator.id), approved()), {
            type: 'AcceptReturn',
            actor: coordinator,
          }),
        'accepter-not-independent',
        'forbidden',
      );
    });

    it('refuses a person who saved a draft of this version', () => {
      const saved: ReturnEvent = { type: 'ReturnDraftSaved', data: { content: full, by: coordinator.id } };
      thenError(
        () =>
          when(given(twoStage, saved, submitted(), approved()), { type: 'AcceptReturn', actor: coordinator }),
        'accepter-not-independent',
        'forbidden',
      );
    });

    it('still refuses the approver after a return to review and a second approval by another reviewer', () => {
      const state = given(
        twoStage,
        submitted(full, coordinator.id),
        approved(),
        returnedToReview(),
        approved(full, otherReviewer.id),
      );
      thenError(
        () => when(state, { type: 'AcceptReturn', actor: coordinator }),
        'accepter-not-independent',
        'forbidden',
      );
      expect(when(state, { type: 'AcceptReturn', actor: board })).toHaveLength(1);
    });

    it('refuses whoever approved this version before it was returned to review and approved again', () => {
      const state = given(
        twoStage,
        submitted(),
        approved(full, coordinator.id),
        returnedToReview(),
        approved(full, otherReviewer.id),
      );
      thenError(
        () => when(state, { type: 'AcceptReturn', actor: coordinator }),
        'accepter-not-independent',
        'forbidden',
      );
    });

    it('forgets the approvers of a version sent back once a new one is submitted', () => {
      const sentBack: ReturnEvent = { type: 'ReturnSentBack', data: { reason: 'Add the survey' } };
      const state = given(
        twoStage,
        submitted(),
        approved(full, coordinator.id),
        returnedToReview(),
        sentBack,
        submitted(amended),
        approved(amended, otherReviewer.id),
      );
      expect(when(state, { type: 'AcceptReturn', actor: coordinator })).toHaveLength(1);
    });

    it('lets someone who edited an earlier, accepted version accept the amendment they did not touch', () => {
      const state = given(
        twoStage,
        submitted(full, coordinator.id),
        approved(),
        accepted(),
        reopened,
        submitted(amended),
        approved(amended),
      );
      expect(when(state, { type: 'AcceptReturn', actor: coordinator })).toEqual([
        { type: 'ReturnAccepted', data: { content: amended, by: coordinator.id } },
      ]);
    });
  });

  describe('ReturnToReview', () => {
    it('returns the approval to review with the reason', () => {
      expect(
        when(given(twoStage, submitted(), approved()), {
          type: 'ReturnToReview',
          actor: board,
          reason: 'Check the figures',
        }),
      ).toEqual([{ type: 'ReturnReturnedToReview', data: { reason: 'Check the figures', by: board.id } }]);
    });

    it('puts the return back in review: submitted, nothing awaiting acceptance, the reason kept', () => {
      const state = live(given(twoStage, submitted(), approved(), returnedToReview('Check the figures')));
      expect(state.status).toBe('submitted');
      expect(state.awaitingAcceptance).toBeNull();
      expect(state.returnedToReviewReason).toBe('Check the figures');
      expect(state.content).toEqual(full);
    });

    it('lets a reviewer decide again, and clears the reason when they do', () => {
      const state = given(twoStage, submitted(), approved(), returnedToReview());
      expect(
        when(state, { type: 'ApproveReturn', actor: otherReviewer, openChangeRequests: [] }),
      ).toHaveLength(1);
      const sentBack: ReturnEvent = { type: 'ReturnSentBack', data: { reason: 'Add the survey' } };
      expect(live(given(twoStage, submitted(), approved(), returnedToReview(), sentBack))).toMatchObject({
        status: 'draft',
        returnedToReviewReason: null,
      });
    });

    it('needs a reason (reason-required, unprocessable)', () => {
      thenError(
        () =>
          when(given(twoStage, submitted(), approved()), {
            type: 'ReturnToReview',
            actor: board,
            reason: ' ',
          }),
        'reason-required',
        'unprocessable',
        'reason',
      );
    });

    it('is refused to a reviewer (forbidden)', () => {
      thenError(
        () =>
          when(given(twoStage, submitted(), approved()), {
            type: 'ReturnToReview',
            actor: reviewer,
            reason: 'x',
          }),
        'forbidden',
        'forbidden',
      );
    });

    it('is refused in a one-stage cycle (one-stage-sign-off, conflict)', () => {
      thenError(
        () =>
          when(given(requestedIn(), submitted(), approved()), {
            type: 'ReturnToReview',
            actor: coordinator,
            reason: 'x',
          }),
        'one-stage-sign-off',
        'conflict',
      );
    });
  });

  describe('reopening and withdrawing', () => {
    it('reopens an accepted return, back to its accepted content', () => {
      const state = given(twoStage, submitted(), approved(), accepted());
      expect(when(state, { type: 'ReopenReturn', actor: coordinator, reason: 'Revised' })).toHaveLength(1);
      expect(live(given(twoStage, submitted(), approved(), accepted(), reopened))).toMatchObject({
        status: 'draft',
        content: full,
      });
    });

    it('does not reopen an approval awaiting acceptance: it is returned to review instead', () => {
      thenError(
        () =>
          when(given(twoStage, submitted(), approved()), {
            type: 'ReopenReturn',
            actor: coordinator,
            reason: 'Revised',
          }),
        'return-approved',
        'conflict',
      );
    });

    it('withdraws an accepted return', () => {
      expect(
        when(given(twoStage, submitted(), approved(), accepted()), {
          type: 'WithdrawReturn',
          actor: coordinator,
          reason: 'Measure dropped',
        }),
      ).toHaveLength(1);
    });
  });

  describe('once the cycle is closed', () => {
    it('still lets an amendment to an accepted return be accepted', () => {
      const state = live(
        given(twoStage, submitted(), approved(), accepted(), reopened, submitted(amended), approved(amended)),
      );
      expect(() => refuseOnClosedCycle('AcceptReturn', 'closed', state)).not.toThrow();
      expect(() => refuseOnClosedCycle('ReturnToReview', 'published', state)).not.toThrow();
    });

    it('does not let a first approval that was never accepted be accepted after a forced close', () => {
      const state = live(given(twoStage, submitted(), approved()));
      thenError(() => refuseOnClosedCycle('AcceptReturn', 'closed', state), 'cycle-closed', 'conflict');
    });
  });
});
