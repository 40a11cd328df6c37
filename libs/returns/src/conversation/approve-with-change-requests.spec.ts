import { reviewer, lead, thenError } from '../../../../test/support/decide-spec.js';
import { decideReturn } from '../return/return.decide.js';
import { ReturnEvent } from '../return/return.events.js';
import { evolveReturn, initialReturn } from '../return/return.state.js';
import { ConversationEvent } from './conversation.events.js';
import { evolveConversation, initialConversation, openChangeRequestsOf } from './conversation.state.js';

// given the return's events and its thread's / when ApproveReturn with the thread's open change requests / then
const submittedReturn: ReturnEvent[] = [
  {
    type: 'ReturnRequested',
    data: {
      returnId: 'y1.C3',
      cycleId: 'y1',
      partnershipId: 'lsp',
      planId: 'plan',
      measureRef: 'C3',
      themeId: 'caring',
      agencyId: 'kcc',
      dueDate: '2020-04-30',
    },
  },
  {
    type: 'ReturnSubmitted',
    data: { content: { rag: 'green', narrative: 'Done.' }, by: lead.id, late: false },
  },
];
const message = (
  messageId: string,
  extra: Partial<{ changeRequest: boolean; answers: string }>,
): ConversationEvent => ({
  type: 'ReturnMessagePosted',
  data: {
    messageId,
    returnId: 'y1.C3',
    body: 'text',
    author: extra.answers ? lead.id : reviewer.id,
    authorRole: extra.answers ? 'agency-lead' : 'reviewer',
    agencyId: extra.answers ? 'kcc' : null,
    changeRequest: extra.changeRequest ?? false,
    answers: extra.answers ?? null,
    postedAt: '2020-04-20T10:00:00.000Z',
  },
});
const approve = (...thread: ConversationEvent[]) =>
  decideReturn(
    {
      type: 'ApproveReturn',
      actor: reviewer,
      openChangeRequests: openChangeRequestsOf(thread.reduce(evolveConversation, initialConversation())),
    },
    submittedReturn.reduce(evolveReturn, initialReturn()),
  );

describe('approving a return with its conversation', () => {
  it('is refused while a change request is open (open-change-requests, 422), naming it', () => {
    const error = thenError(
      () => approve(message('m1', { changeRequest: true })),
      'open-change-requests',
      'unprocessable',
      'openChangeRequests',
    );
    expect(error.details).toEqual({ openChangeRequests: ['m1'] });
  });

  it('goes ahead once the agency has answered it', () => {
    expect(approve(message('m1', { changeRequest: true }), message('m2', { answers: 'm1' }))).toEqual([
      { type: 'ReturnApproved', data: { content: { rag: 'green', narrative: 'Done.' }, by: 'rita' } },
    ]);
  });

  it('goes ahead once a reviewer has resolved it', () => {
    const resolved: ConversationEvent = {
      type: 'ChangeRequestResolved',
      data: { messageId: 'm1', by: 'rob', resolvedAt: '2020-04-21T09:00:00.000Z' },
    };
    expect(approve(message('m1', { changeRequest: true }), resolved)).toHaveLength(1);
  });

  it('is not held back by plain messages', () => {
    expect(approve(message('m1', {}), message('m2', {}))).toHaveLength(1);
  });

  it('is refused while any one of several is open', () => {
    thenError(
      () =>
        approve(
          message('m1', { changeRequest: true }),
          message('m2', { changeRequest: true }),
          message('m3', { answers: 'm1' }),
        ),
      'open-change-requests',
      'unprocessable',
      'openChangeRequests',
    );
  });
});
