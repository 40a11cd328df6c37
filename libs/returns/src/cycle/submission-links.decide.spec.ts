import { coordinator, reviewer, thenError } from '../../../../test/support/decide-spec.js';
import { CycleEvent } from './cycle.events.js';
import { CycleState, evolveCycle, initialCycle } from './cycle.state.js';
import { decideLinks, LinkCommand } from './submission-links.decide.js';

const given = (...events: CycleEvent[]): CycleState => events.reduce(evolveCycle, initialCycle());
const when = (state: CycleState, command: LinkCommand) => decideLinks(command, state);

const drafted: CycleEvent = {
  type: 'CycleDrafted',
  data: {
    cycleId: 'c',
    partnershipId: 'lsp',
    planId: 'p',
    label: 'Q1',
    periodStart: '2020-04-01',
    periodEnd: '2020-06-30',
    dueDate: '2020-07-31',
  },
};
const opened: CycleEvent = {
  type: 'CycleOpened',
  data: { openedAt: '2020-07-01T09:00:00.000Z', returns: [] },
};
// As mintLink makes them: 256 random bits, and the SHA-256 of the token.
const L1 = 'L1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const link = { linkId: L1, agencyId: 'council', contactEmail: 'ann@example.org', tokenHash: 'ab'.repeat(32) };
const issued: CycleEvent = { type: 'SubmissionLinkIssued', data: link };
const revoked: CycleEvent = { type: 'SubmissionLinkRevoked', data: { linkId: L1, reason: 'Ann left' } };
const closed: CycleEvent = {
  type: 'CycleClosed',
  data: { forced: false, reason: null, unresolvedReturnIds: [] },
};

describe('decideLinks', () => {
  it('issues links while the cycle is open', () => {
    expect(when(given(drafted, opened), { type: 'IssueLinks', actor: coordinator, links: [link] })).toEqual([
      issued,
    ]);
  });

  it('refuses to issue links before the cycle opens, or to anyone but a coordinator', () => {
    thenError(
      () => when(given(drafted), { type: 'IssueLinks', actor: coordinator, links: [link] }),
      'cycle-drafted',
      'conflict',
    );
    thenError(
      () => when(given(drafted, opened), { type: 'IssueLinks', actor: reviewer, links: [link] }),
      'forbidden',
      'forbidden',
    );
  });

  it('records each use of a live link', () => {
    const state = given(drafted, opened, issued);
    expect(when(state, { type: 'UseLink', linkId: L1 })).toEqual([
      { type: 'SubmissionLinkUsed', data: { linkId: L1 } },
    ]);
    const used = given(drafted, opened, issued, { type: 'SubmissionLinkUsed', data: { linkId: L1 } });
    expect(used.status === 'open' && used.links[L1].uses).toBe(1);
  });

  it("answers a revoked link with 410, a closed cycle's link with 410, and an unknown one with 404", () => {
    thenError(
      () => when(given(drafted, opened, issued, revoked), { type: 'UseLink', linkId: L1 }),
      'link-revoked',
      'gone',
    );
    thenError(
      () => when(given(drafted, opened, issued, closed), { type: 'UseLink', linkId: L1 }),
      'link-expired',
      'gone',
    );
    thenError(
      () => when(given(drafted, opened, issued), { type: 'UseLink', linkId: 'L2' }),
      'link-not-found',
      'not-found',
    );
  });

  it('answers the link of a contact the plan no longer lists with 410, as the caller read the plan', () => {
    const state = given(drafted, opened, issued);
    thenError(
      () => when(state, { type: 'UseLink', linkId: L1, contactRemoved: true }),
      'link-contact-removed',
      'gone',
    );
    expect(when(state, { type: 'UseLink', linkId: L1, contactRemoved: false })).toHaveLength(1);
  });

  it('revokes a link once, with a reason, by a coordinator', () => {
    const state = given(drafted, opened, issued);
    expect(when(state, { type: 'RevokeLink', actor: coordinator, linkId: L1, reason: 'Ann left' })).toEqual([
      revoked,
    ]);
    thenError(
      () => when(state, { type: 'RevokeLink', actor: coordinator, linkId: L1, reason: ' ' }),
      'reason-required',
      'unprocessable',
      'reason',
    );
    thenError(
      () => when(state, { type: 'RevokeLink', actor: reviewer, linkId: L1, reason: 'x' }),
      'forbidden',
      'forbidden',
    );
    thenError(
      () =>
        when(given(drafted, opened, issued, revoked), {
          type: 'RevokeLink',
          actor: coordinator,
          linkId: L1,
          reason: 'x',
        }),
      'link-revoked',
      'conflict',
    );
  });

  // Issue 10: a link id from the address that names the prototype found "a link" and wrote an event without one.
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])(
    'answers %s like any unknown link, writing nothing',
    (linkId) => {
      const state = given(drafted, opened, issued);
      thenError(
        () => when(state, { type: 'RevokeLink', actor: coordinator, linkId, reason: 'x' }),
        'link-not-found',
        'not-found',
      );
      thenError(() => when(state, { type: 'UseLink', linkId }), 'link-not-found', 'not-found');
    },
  );

  it.each<[string, Partial<typeof link>, string, string]>([
    ['a link id that is not 256 random bits', { linkId: '' }, 'invalid-id', 'links[0].linkId'],
    ['an agency id that names nothing', { agencyId: 'null\u0000' }, 'invalid-id', 'links[0].agencyId'],
    ['no email address', { contactEmail: undefined }, 'invalid-email', 'links[0].contactEmail'],
    [
      'the token instead of its hash',
      { tokenHash: 'not-a-hash' },
      'invalid-token-hash',
      'links[0].tokenHash',
    ],
  ])('refuses to issue a link with %s', (_what, bad, code, field) => {
    const links = [{ ...link, ...bad }];
    thenError(
      () => when(given(drafted, opened), { type: 'IssueLinks', actor: coordinator, links }),
      code,
      'unprocessable',
      field,
    );
  });
  describe('a link the contact asked for', () => {
    const requested = {
      ...link,
      linkId: 'L2' + 'b'.repeat(41),
      expiresAt: '2020-07-02T09:00:00.000Z',
      singleUse: true as const,
    };
    const withReturns: CycleEvent = {
      type: 'CycleOpened',
      data: {
        openedAt: '2020-07-01T09:00:00.000Z',
        returns: [{ returnId: 'c.S1', measureRef: 'S1', themeId: 'safe', agencyId: 'council' }],
      },
    };

    it('is issued while the cycle is open to an agency with returns in it', () => {
      expect(when(given(drafted, withReturns), { type: 'IssueRequestedLink', link: requested })).toEqual([
        { type: 'SubmissionLinkIssued', data: requested },
      ]);
    });

    it('is refused for an agency asked for nothing, or a cycle not open', () => {
      thenError(
        () =>
          when(given(drafted, withReturns), {
            type: 'IssueRequestedLink',
            link: { ...requested, agencyId: 'police' },
          }),
        'agency-not-in-cycle',
        'not-found',
      );
      thenError(
        () => when(given(drafted, withReturns, closed), { type: 'IssueRequestedLink', link: requested }),
        'cycle-closed',
        'conflict',
      );
    });

    it('works once, and not after it expires', () => {
      const fresh = given(drafted, withReturns, { type: 'SubmissionLinkIssued', data: requested });
      const before = '2020-07-01T10:00:00.000Z';
      expect(when(fresh, { type: 'UseLink', linkId: requested.linkId, now: before })).toHaveLength(1);
      const used = evolveCycle(fresh, { type: 'SubmissionLinkUsed', data: { linkId: requested.linkId } });
      thenError(
        () => when(used, { type: 'UseLink', linkId: requested.linkId, now: before }),
        'link-used',
        'gone',
      );
      thenError(
        () => when(fresh, { type: 'UseLink', linkId: requested.linkId, now: requested.expiresAt }),
        'link-lapsed',
        'gone',
      );
    });
  });
});
