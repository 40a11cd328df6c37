import { Actor, DomainError, requireReason, requireWellFormedId } from '../../../kernel/src/index.js';
import { CycleEvent, IssuedLink } from './cycle.events.js';
import { CycleLink, CycleState } from './cycle.state.js';

export type LinkCommand =
  /** Links are minted by the caller (random ids, token hashes); the rules decide whether they may be issued. */
  | { type: 'IssueLinks'; actor: Actor; links: IssuedLink[] }
  | { type: 'RevokeLink'; actor: Actor; linkId: string; reason: string }
  | {
      type: 'UseLink';
      linkId: string;
      now?: string;
      /**
       * The plan no longer lists the link's contact among its agency's contacts: read by the caller, since the plan
       * is another aggregate. Someone who has left the agency must not go on writing its returns.
       */
      contactRemoved?: boolean;
    }
  /** A registered agency contact asked for a new link (no actor: they are not signed in). */
  | { type: 'IssueRequestedLink'; link: IssuedLink & { expiresAt: string; singleUse: true } };

/** The rules of a cycle's submission links: issued while open, revoked by a coordinator, dead once closed. */
export function decideLinks(command: LinkCommand, state: CycleState): CycleEvent[] {
  if (state.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 'not-found');
  switch (command.type) {
    case 'IssueLinks':
      coordinator(command.actor);
      if (state.status !== 'open')
        throw new DomainError(
          `cycle-${state.status}`,
          'Links are issued only while a cycle is open',
          'conflict',
        );
      command.links.forEach((link, i) => {
        requireWellFormedId('linkId', link.linkId, `links[${i}].linkId`);
        requireWellFormedId('slug', link.agencyId, `links[${i}].agencyId`);
        if (typeof link.contactEmail !== 'string' || !link.contactEmail.includes('@'))
          throw new DomainError(
            'invalid-email',
            'A link goes to an email address',
            'unprocessable',
            `links[${i}].contactEmail`,
          );
        if (!/^[0-9a-f]{64}$/.test(link.tokenHash))
          throw new DomainError(
            'invalid-token-hash',
            'A link stores the SHA-256 of its token',
            'unprocessable',
            `links[${i}].tokenHash`,
          );
      });
      return command.links.map((link) => ({ type: 'SubmissionLinkIssued', data: link }));
    case 'IssueRequestedLink': {
      if (state.status !== 'open')
        throw new DomainError(
          `cycle-${state.status}`,
          'Links are issued only while a cycle is open',
          'conflict',
        );
      if (!state.returns.some((r) => r.agencyId === command.link.agencyId))
        throw new DomainError('agency-not-in-cycle', 'That agency has no returns in this cycle', 'not-found');
      return [{ type: 'SubmissionLinkIssued', data: command.link }];
    }
    case 'RevokeLink': {
      coordinator(command.actor);
      const link = linkOf(state, command.linkId);
      if (!link) throw new DomainError('link-not-found', 'No such link', 'not-found');
      if (link.revoked) throw new DomainError('link-revoked', 'That link is already revoked', 'conflict');
      return [
        {
          type: 'SubmissionLinkRevoked',
          data: { linkId: link.linkId, reason: requireReason(command.reason, 'revoke a link') },
        },
      ];
    }
    case 'UseLink': {
      const link = linkOf(state, command.linkId);
      if (!link) throw new DomainError('link-not-found', 'This link is not recognised', 'not-found');
      if (link.revoked) {
        throw new DomainError(
          'link-revoked',
          'This link has been replaced or withdrawn. Ask the coordinator for a new one.',
          'gone',
        );
      }
      if (command.contactRemoved) {
        throw new DomainError(
          'link-contact-removed',
          'This link was sent to someone who is no longer a contact of the agency. Ask the coordinator for a link.',
          'gone',
        );
      }
      if (state.status !== 'open') {
        throw new DomainError(
          'link-expired',
          'This monitoring cycle has closed, so its link no longer works.',
          'gone',
        );
      }
      if (link.singleUse && link.uses > 0) {
        throw new DomainError(
          'link-used',
          'This link has already been used: a link you asked for works once. Ask for another.',
          'gone',
        );
      }
      if (link.expiresAt && command.now !== undefined && command.now >= link.expiresAt) {
        throw new DomainError(
          'link-lapsed',
          'This link was valid for a day only and that day has passed. Ask for another.',
          'gone',
        );
      }
      return [{ type: 'SubmissionLinkUsed', data: { linkId: link.linkId } }];
    }
    default: {
      const unhandled: never = command;
      return unhandled;
    }
  }
}

/**
 * The cycle's link with this id. An own property only: `__proto__` or `constructor` would otherwise find the
 * object's prototype and revoke a link that does not exist, writing an event without a link id.
 */
function linkOf(state: Exclude<CycleState, { status: 'none' }>, linkId: unknown): CycleLink | undefined {
  if (state.status === 'drafted' || typeof linkId !== 'string') return undefined;
  return Object.hasOwn(state.links, linkId) ? state.links[linkId] : undefined;
}

function coordinator(actor: Actor): void {
  if (actor.role !== 'coordinator')
    throw new DomainError('forbidden', 'Only a coordinator can issue or revoke links', 'forbidden');
}
