import { createHash } from 'node:crypto';
import { Actor, DomainError, requireReason, lineEndingForms } from '../../../kernel/src/index.js';
import {
  isRedactableField,
  REDACTABLE_FIELDS,
  REDACTED,
  textsOfField,
} from '../return-texts/return-text-fields.js';
import { ReturnEvent } from '../return/return.events.js';
import { LiveReturnState } from '../return/return.state.js';

export interface RedactPassage {
  type: 'RedactPassage';
  actor: Actor;
  field: string;
  passage: string;
  reason: string;
}

/** Long enough for a name; a redaction is of a passage, not of a whole report. */
export const MAX_PASSAGE_LENGTH = 2000;

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
  // Matched whichever way its lines end (see lineEndingForms); recorded, and hashed, with line feeds.
  const forms = lineEndingForms(typeof command.passage === 'string' ? command.passage : '');
  const passage = forms[0];
  if (passage.trim() === '' || passage.trim() === REDACTED) {
    throw new DomainError('passage-required', 'Paste the passage to redact', 'unprocessable', 'passage');
  }
  if (passage.length > MAX_PASSAGE_LENGTH) {
    throw new DomainError(
      'passage-too-long',
      `The passage must be at most ${MAX_PASSAGE_LENGTH} characters`,
      'unprocessable',
      'passage',
    );
  }
  const reason = requireReason(command.reason, 'redact a passage');
  // The reason is kept readable for good: it must not carry the passage back in.
  if (forms.some((form) => reason.includes(form))) {
    throw new DomainError(
      'reason-holds-passage',
      'The reason must not repeat the passage it redacts',
      'unprocessable',
      'reason',
    );
  }
  const versions = [state.content, state.awaitingAcceptance?.content, state.approved?.content];
  const found = versions.some(
    (content) =>
      content &&
      textsOfField(content, command.field as never).some((t) => forms.some((form) => t.includes(form))),
  );
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
        passageSha256: createHash('sha256').update(passage, 'utf8').digest('hex'),
        passageLength: passage.length,
        reason,
        by: command.actor.id,
      },
    },
  ];
}
