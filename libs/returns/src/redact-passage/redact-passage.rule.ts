import { Actor, DomainError } from '../../../kernel/src/index.js';
import { isRedactableField, REDACTABLE_FIELDS, textsOfField } from '../return-texts/return-text-fields.js';
import { ReturnEvent } from '../return/return.events.js';
import { LiveReturnState } from '../return/return.state.js';
import { checkedPassage } from './checked-passage.js';

export interface RedactPassage {
  type: 'RedactPassage';
  actor: Actor;
  field: string;
  passage: string;
  reason: string;
  /** The reasons given on the return, as read (the handler reads them from its events): for field `reasons`. */
  reasons?: readonly string[];
}

/**
 * A coordinator redacts a passage (a named young person, say) from one free-text field of a return, in every
 * version of it. The event records where, why, and the passage's SHA-256 and length, never the passage: the
 * texts themselves are rewritten outside the log (see return-texts).
 */
export function decideRedactPassage(command: RedactPassage, state: LiveReturnState): ReturnEvent[] {
  if (command.actor.role !== 'coordinator') {
    throw new DomainError('forbidden', 'Only a coordinator can redact a passage', 'forbidden');
  }
  if (!isRedactableField(command.field)) {
    throw new DomainError(
      'invalid-field',
      `Choose the field to redact from: one of ${REDACTABLE_FIELDS.join(', ')}`,
      'unprocessable',
      'field',
    );
  }
  const { isIn, passageSha256, passageLength, reason } = checkedPassage(command.passage, command.reason);
  const versions = [state.content, state.awaitingAcceptance?.content, state.approved?.content];
  const found =
    command.field === 'reasons'
      ? (command.reasons ?? []).some(isIn)
      : versions.some((content) => content && textsOfField(content, command.field as never).some(isIn));
  if (!found) {
    throw new DomainError(
      'passage-not-found',
      `The passage does not occur in the return's ${command.field}: paste it exactly as it is written`,
      'unprocessable',
      'passage',
    );
  }
  return [
    {
      type: 'PassageRedacted',
      data: {
        field: command.field,
        passageSha256,
        passageLength,
        reason,
        by: command.actor.id,
      },
    },
  ];
}
