import { Actor, DomainError, requireReason } from '../../../kernel/src/index.js';
import { PersonEvent, PersonState } from './person.events.js';

export interface ForgetPerson {
  type: 'ForgetPerson';
  actor: Actor;
  personId: string;
  reason: string;
  /**
   * What the partnership knows the person as (their address and names), found by the handler in the actor's own
   * partnership: empty when they are none of its people, which is then answered as not found.
   */
  knownAs: readonly string[];
  /** The address is the actor's own: a coordinator is forgotten by another, who can see it done. */
  isActor: boolean;
  /**
   * Another partnership hosted here knows the address too (a contact, or staff). A person's key is one for the
   * deployment, so forgetting them here would erase them there as well: not one coordinator's to decide.
   */
  knownElsewhere: boolean;
}

/**
 * "Forget this person" (issue 17 point 2): a coordinator's decision, with a reason that is kept for good. The
 * reason outlives the person's data, so it may not name them. The person is an agency contact or a member of
 * staff; not the coordinator asking, who would be signed out half way through their own erasure.
 */
export function decideForgetPerson(command: ForgetPerson, state: PersonState): PersonEvent[] {
  // The system forgets too: a partnership's retention period for contacts who left runs out (apply-retention).
  if (command.actor.role !== 'coordinator' && command.actor.role !== 'system') {
    throw new DomainError('forbidden', 'Only a coordinator can forget a person', 'forbidden');
  }
  if (command.knownAs.length === 0) {
    throw new DomainError(
      'person-not-found',
      'No one with this email address is known to the partnership',
      'not-found',
      'email',
    );
  }
  if (command.isActor) {
    throw new DomainError(
      'forget-self',
      'You cannot forget yourself: another coordinator of the partnership must do it',
      'unprocessable',
      'email',
    );
  }
  if (command.knownElsewhere) {
    throw new DomainError(
      'person-in-other-partnership',
      'Another partnership on this service also has this address, and forgetting it would erase it there too: ask the service’s operator',
      'conflict',
      'email',
    );
  }
  if (state.status === 'forgotten') {
    throw new DomainError('person-forgotten', 'This person has already been forgotten');
  }
  const reason = requireReason(command.reason, 'forget a person');
  // Compared as one form of accents: a name typed decomposed (NFD, as macOS pastes it) held the person's name
  // composed in the plan all the same, and passed.
  const folded = (text: string) => text.normalize('NFC').trim().toLowerCase();
  const lower = folded(reason);
  if (command.knownAs.some((value) => folded(value) !== '' && lower.includes(folded(value)))) {
    throw new DomainError(
      'reason-names-person',
      'The reason is kept after the person is forgotten, so it must not give their name or email address',
      'unprocessable',
      'reason',
    );
  }
  return [{ type: 'PersonForgotten', data: { personId: command.personId, reason } }];
}
