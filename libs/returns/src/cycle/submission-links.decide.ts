import { Actor, DomainError, requireReason } from '../domain-error.js';
import { CycleEvent, IssuedLink } from './cycle.events.js';
import { CycleLink, CycleState } from './cycle.state.js';
import { requireWellFormedId } from '../well-formed/ids.js';

export type LinkCommand =
  /** Links are minted by the caller (random ids, token hashes); the rules decide whether they may be issued. */
  | { type: 'IssueLinks'; actor: Actor; links: IssuedLink[] }
  | { type: 'RevokeLink'; actor: Actor; linkId: string; reason: string }
  | { type: 'UseLink'; linkId: string };

/** The rules of a cycle's submission links: issued while open, revoked by a coordinator, dead once closed. */
export function decideLinks(command: LinkCommand, state: CycleState): CycleEvent[] {
  if (state.status === 'none') throw new DomainError('cycle-not-found', 'No such cycle', 404);
  switch (command.type) {
    case 'IssueLinks':
      coordinator(command.actor);
      if (state.status !== 'open')
        throw new DomainError(`cycle-${state.status}`, 'Links are issued only while a cycle is open', 409);
      command.links.forEach((link, i) => {
        requireWellFormedId('linkId', link.linkId, `links[${i}].linkId`);
        requireWellFormedId('slug', link.agencyId, `links[${i}].agencyId`);
        if (typeof link.contactEmail !== 'string' || !link.contactEmail.includes('@'))
          throw new DomainError(
            'invalid-email',
            'A link goes to an email address',
            422,
            `links[${i}].contactEmail`,
          );
        if (!/^[0-9a-f]{64}$/.test(link.tokenHash))
          throw new DomainError(
            'invalid-token-hash',
            'A link stores the SHA-256 of its token',
            422,
            `links[${i}].tokenHash`,
          );
      });
      return command.links.map((link) => ({ type: 'SubmissionLinkIssued', data: link }));
    case 'RevokeLink': {
      coordinator(command.actor);
      const link = linkOf(state, command.linkId);
      if (!link) throw new DomainError('link-not-found', 'No such link', 404);
      if (link.revoked) throw new DomainError('link-revoked', 'That link is already revoked', 409);
      return [
        {
          type: 'SubmissionLinkRevoked',
          data: { linkId: link.linkId, reason: requireReason(command.reason, 'revoke a link') },
        },
      ];
    }
    case 'UseLink': {
      const link = linkOf(state, command.linkId);
      if (!link) throw new DomainError('link-not-found', 'This link is not recognised', 404);
      if (link.revoked) {
        throw new DomainError(
          'link-revoked',
          'This link has been replaced or withdrawn. Ask the coordinator for a new one.',
          410,
        );
      }
      if (state.status !== 'open') {
        throw new DomainError(
          'link-expired',
          'This monitoring cycle has closed, so its link no longer works.',
          410,
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
    throw new DomainError('forbidden', 'Only a coordinator can issue or revoke links', 403);
}
