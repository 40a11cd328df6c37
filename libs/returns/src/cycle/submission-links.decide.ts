import { Actor, DomainError, requireReason } from '../domain-error.js';
import { CycleEvent, IssuedLink } from './cycle.events.js';
import { CycleState } from './cycle.state.js';

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
      return command.links.map((link) => ({ type: 'SubmissionLinkIssued', data: link }));
    case 'RevokeLink': {
      coordinator(command.actor);
      const link = state.status === 'drafted' ? undefined : state.links[command.linkId];
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
      const link = state.status === 'drafted' ? undefined : state.links[command.linkId];
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

function coordinator(actor: Actor): void {
  if (actor.role !== 'coordinator')
    throw new DomainError('forbidden', 'Only a coordinator can issue or revoke links', 403);
}
