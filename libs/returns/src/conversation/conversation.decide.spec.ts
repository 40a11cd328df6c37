import { createHash } from 'node:crypto';
import type { Actor } from '../../../kernel/src/index.js';
import {
  coordinator,
  lead,
  otherLead,
  reviewer,
  thenError,
  viewer,
} from '../../../../test/support/decide-spec.js';
import { ConversationCommand, ConversationReturn, decideConversation } from './conversation.decide.js';
import { ConversationEvent } from './conversation.events.js';
import { evolveConversation, initialConversation, openChangeRequestsOf } from './conversation.state.js';

// given-events / when-command / then-events
const given = (...events: ConversationEvent[]) => events.reduce(evolveConversation, initialConversation());
const when = (events: ConversationEvent[], command: ConversationCommand) =>
  decideConversation(command, given(...events));

const NOW = new Date('2020-04-20T10:15:00Z');
const about: ConversationReturn = { returnId: 'y1.C3', agencyId: 'kcc', status: 'submitted' };
const post = (
  actor: Actor,
  body: string,
  extra: { changeRequest?: boolean; answers?: string | null; about?: ConversationReturn } = {},
): ConversationCommand => ({
  type: 'PostMessage',
  actor,
  about: extra.about ?? about,
  body,
  changeRequest: extra.changeRequest ?? false,
  answers: extra.answers ?? null,
  now: NOW,
});
const resolve = (actor: Actor, messageId: string): ConversationCommand => ({
  type: 'ResolveChangeRequest',
  actor,
  about,
  messageId,
  now: NOW,
});
const posted = (
  messageId: string,
  author: Actor,
  body: string,
  extra: { changeRequest?: boolean; answers?: string | null } = {},
): ConversationEvent => ({
  type: 'ReturnMessagePosted',
  data: {
    messageId,
    returnId: 'y1.C3',
    body,
    author: author.id,
    authorRole: author.role as 'coordinator' | 'reviewer' | 'agency-lead',
    agencyId: author.role === 'agency-lead' ? 'kcc' : null,
    changeRequest: extra.changeRequest ?? false,
    answers: extra.answers ?? null,
    postedAt: NOW.toISOString(),
  },
});
const askedForChange = posted('m1', reviewer, 'Please split the figures by district.', {
  changeRequest: true,
});

describe('a return’s conversation', () => {
  describe('PostMessage', () => {
    it('a reviewer’s first message is m1, with author, role and time, the body trimmed', () => {
      expect(when([], post(reviewer, '  Where do the figures come from?  '))).toEqual([
        posted('m1', reviewer, 'Where do the figures come from?'),
      ]);
    });

    it('the agency’s lead replies under its agency, numbered after the messages before', () => {
      expect(when([askedForChange], post(lead, 'From the KCC dashboard.'))).toEqual([
        posted('m2', lead, 'From the KCC dashboard.'),
      ]);
    });

    it('a reviewer or coordinator marks a message as a change request, which is then open', () => {
      for (const actor of [reviewer, coordinator]) {
        const [event] = when([], post(actor, 'Add the 2019 baseline.', { changeRequest: true }));
        expect(event).toEqual(posted('m1', actor, 'Add the 2019 baseline.', { changeRequest: true }));
        expect(openChangeRequestsOf(given(event))).toEqual(['m1']);
      }
    });

    it('a change request may be asked of a draft too, before the agency submits', () => {
      const draft = { ...about, status: 'draft' as const };
      expect(when([], post(reviewer, 'Say which year.', { changeRequest: true, about: draft }))).toHaveLength(
        1,
      );
    });

    it('the lead’s reply that answers a change request closes it', () => {
      const then = when([askedForChange], post(lead, 'Split as asked.', { answers: 'm1' }));
      expect(then).toEqual([posted('m2', lead, 'Split as asked.', { answers: 'm1' })]);
      const state = given(askedForChange, ...then);
      expect(openChangeRequestsOf(state)).toEqual([]);
      expect(state.status === 'talking' && state.messages[0].closed).toEqual({
        by: 'answer',
        messageId: 'm2',
      });
    });

    it('a plain reply leaves the change request open', () => {
      const then = when([askedForChange], post(lead, 'Will do tomorrow.'));
      expect(openChangeRequestsOf(given(askedForChange, ...then))).toEqual(['m1']);
    });

    it.each([
      ['empty', '   ', 'message-required'],
      // An attacker's probe (2026-12-06): trim() left these, and a message showing nothing was posted.
      ['of zero-width spaces only', '\u200b\u200b', 'message-required'],
      ['of direction marks and a byte order mark only', ' \u202e\u200f\ufeff ', 'message-required'],
      ['over 5,000 characters', 'x'.repeat(5001), 'message-too-long'],
      ['holding NUL', 'a\u0000b', 'malformed-text'],
    ])('refuses a body %s (%s, 422 on body)', (_what, body, code) => {
      thenError(() => when([], post(reviewer, body)), code, 'unprocessable', 'body');
    });

    it('takes a body of exactly 5,000 characters', () => {
      expect(when([], post(reviewer, 'x'.repeat(5000)))).toHaveLength(1);
    });

    it('refuses a change request from the agency’s lead (change-request-by-staff, 422)', () => {
      thenError(
        () => when([], post(lead, 'Please change', { changeRequest: true })),
        'change-request-by-staff',
        'unprocessable',
        'changeRequest',
      );
    });

    it('refuses a change request on an approved return (return-approved, 422)', () => {
      thenError(
        () =>
          when(
            [],
            post(reviewer, 'Change', { changeRequest: true, about: { ...about, status: 'approved' } }),
          ),
        'return-approved',
        'unprocessable',
        'changeRequest',
      );
    });

    it('still takes a plain message on an approved return', () => {
      expect(when([], post(reviewer, 'Thanks', { about: { ...about, status: 'approved' } }))).toHaveLength(1);
    });

    it('refuses any message on a withdrawn return (return-withdrawn, 409)', () => {
      thenError(
        () => when([], post(reviewer, 'Hello', { about: { ...about, status: 'withdrawn' } })),
        'return-withdrawn',
        'conflict',
      );
    });

    it('refuses an answer to a change request that is not open (no-open-change-request, 422)', () => {
      const answered = posted('m2', lead, 'Done', { answers: 'm1' });
      for (const events of [[], [askedForChange, answered], [posted('m1', reviewer, 'Plain')]]) {
        thenError(
          () => when(events, post(lead, 'Done', { answers: 'm1' })),
          'no-open-change-request',
          'unprocessable',
          'answers',
        );
      }
    });

    it('refuses an answer from staff, who resolve instead (answer-by-agency, 422)', () => {
      thenError(
        () => when([askedForChange], post(coordinator, 'Done', { answers: 'm1' })),
        'answer-by-agency',
        'unprocessable',
        'answers',
      );
    });

    it('answers the lead of another agency as if the return did not exist (404)', () => {
      thenError(() => when([], post(otherLead, 'Hello')), 'return-not-found', 'not-found');
    });

    it('refuses a viewer (forbidden)', () => {
      thenError(() => when([], post(viewer, 'Hello')), 'forbidden', 'forbidden');
    });
  });

  describe('ResolveChangeRequest', () => {
    it('a reviewer resolves an open change request without an answer', () => {
      const then = when([askedForChange], resolve(reviewer, 'm1'));
      expect(then).toEqual([
        {
          type: 'ChangeRequestResolved',
          data: { messageId: 'm1', by: 'rita', resolvedAt: NOW.toISOString() },
        },
      ]);
      expect(openChangeRequestsOf(given(askedForChange, ...then))).toEqual([]);
    });

    it('refuses one already answered (change-request-closed, 409)', () => {
      const answered = posted('m2', lead, 'Done', { answers: 'm1' });
      thenError(
        () => when([askedForChange, answered], resolve(coordinator, 'm1')),
        'change-request-closed',
        'conflict',
      );
    });

    it('refuses a message that is not a change request, or none (message-not-found, 404)', () => {
      thenError(
        () => when([posted('m1', reviewer, 'Hi')], resolve(reviewer, 'm1')),
        'message-not-found',
        'not-found',
        'messageId',
      );
      thenError(
        () => when([askedForChange], resolve(reviewer, 'm9')),
        'message-not-found',
        'not-found',
        'messageId',
      );
    });

    it('refuses the agency’s lead (forbidden): the reply that answers it is theirs to give', () => {
      thenError(() => when([askedForChange], resolve(lead, 'm1')), 'forbidden', 'forbidden');
    });
  });

  describe('RedactMessagePassage', () => {
    const NAME = 'Jamie Example';
    const naming = posted('m1', lead, `We placed ${NAME} with a mentor.`);
    const redact = (
      over: Partial<Extract<ConversationCommand, { type: 'RedactMessagePassage' }>> = {},
    ): ConversationCommand => ({
      type: 'RedactMessagePassage',
      actor: coordinator,
      about,
      messageId: 'm1',
      passage: NAME,
      reason: 'Names a young person',
      now: NOW,
      ...over,
    });

    it('records where and why, the passage only as its SHA-256 and length; the thread stays as it was', () => {
      const then = when([naming], redact());
      expect(then).toEqual([
        {
          type: 'MessagePassageRedacted',
          data: {
            messageId: 'm1',
            passageSha256: createHash('sha256').update(NAME).digest('hex'),
            passageLength: NAME.length,
            reason: 'Names a young person',
            by: coordinator.id,
          },
        },
      ]);
      expect(JSON.stringify(then)).not.toContain(NAME);
      expect(given(naming, ...then)).toEqual(given(naming));
    });

    it('refuses a passage the message does not hold, or holds only inside an earlier [redacted]', () => {
      thenError(
        () => when([naming], redact({ passage: 'Robin Other' })),
        'passage-not-found',
        'unprocessable',
        'passage',
      );
      const redacted = posted('m1', lead, 'We placed [redacted] with a mentor.');
      thenError(
        () => when([redacted], redact({ passage: 'act' })),
        'passage-not-found',
        'unprocessable',
        'passage',
      );
    });

    it('refuses a missing passage and a reason that repeats it, naming each', () => {
      thenError(
        () => when([naming], redact({ passage: ' ' })),
        'passage-required',
        'unprocessable',
        'passage',
      );
      thenError(
        () => when([naming], redact({ reason: `${NAME.toLowerCase()} is named` })),
        'reason-holds-passage',
        'unprocessable',
        'reason',
      );
    });

    it('refuses a message the thread does not have (message-not-found, 404)', () => {
      thenError(
        () => when([naming], redact({ messageId: 'm2' })),
        'message-not-found',
        'not-found',
        'messageId',
      );
      thenError(() => when([], redact()), 'message-not-found', 'not-found', 'messageId');
    });

    it('is a coordinator’s alone: not the reviewer’s, nor the lead’s who wrote it', () => {
      thenError(() => when([naming], redact({ actor: reviewer })), 'forbidden', 'forbidden');
      thenError(() => when([naming], redact({ actor: lead })), 'forbidden', 'forbidden');
      thenError(() => when([naming], redact({ actor: viewer })), 'forbidden', 'forbidden');
    });

    it('is allowed on a withdrawn return, where no message may be posted', () => {
      const withdrawn: ConversationReturn = { ...about, status: 'withdrawn' };
      expect(when([naming], redact({ about: withdrawn }))).toHaveLength(1);
    });
  });
});
