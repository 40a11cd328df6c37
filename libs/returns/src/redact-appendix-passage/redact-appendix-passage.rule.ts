import { createHash } from 'node:crypto';
import { Actor, DomainError, requireReason, lineEndingForms } from '../../../kernel/src/index.js';
import { AppendixEvent } from '../appendices/appendices.events.js';
import { AppendicesState } from '../appendices/appendices.state.js';
import { REDACTED } from '../return-texts/return-text-fields.js';
import { MAX_PASSAGE_LENGTH } from '../redact-passage/redact-passage.rule.js';

export interface RedactAppendixPassage {
  type: 'RedactAppendixPassage';
  actor: Actor;
  appendixId: string;
  caseStudyId: string;
  /** 'title', or a section's index from 0. */
  part: unknown;
  passage: string;
  reason: string;
  /** Every version of that part as it reads now (each Added/Changed event's), for the passage to be found in. */
  versions: readonly string[];
}

const problem = (code: string, message: string, field: string) =>
  new DomainError(code, message, 'unprocessable', field);

/**
 * A coordinator redacts a passage from one part of a case study entered in an appendix, in every version of it,
 * as from a return's free text (redact-passage.rule.ts): the event keeps where, why, the SHA-256 and length.
 */
export function decideRedactAppendixPassage(
  command: RedactAppendixPassage,
  state: AppendicesState,
): AppendixEvent[] {
  if (command.actor.role !== 'coordinator') {
    throw new DomainError('forbidden', 'Only a coordinator can redact a passage', 'forbidden');
  }
  const appendix = state.appendices.find((a) => a.appendixId === command.appendixId);
  if (!appendix) throw new DomainError('appendix-not-found', 'No such appendix', 'not-found', 'appendixId');
  const study = appendix.caseStudies.find((c) => c.caseStudyId === command.caseStudyId);
  if (!study) throw new DomainError('case-study-not-found', 'No such case study', 'not-found', 'caseStudyId');
  // A placed study is a return's: its passages are redacted from the return (POST /returns/:id/redactions).
  if (study.kind !== 'entered') {
    throw problem(
      'placed-case-study',
      'This case study is a return’s: redact the passage from the return’s case studies',
      'caseStudyId',
    );
  }
  const part = command.part;
  if (part !== 'title' && !(Number.isInteger(part) && (part as number) >= 0)) {
    throw problem('invalid-part', 'Choose the title or a section (its number from 0)', 'part');
  }
  // Matched whichever way its lines end (see lineEndingForms); recorded, and hashed, with line feeds.
  const forms = lineEndingForms(typeof command.passage === 'string' ? command.passage : '');
  const passage = forms[0];
  if (passage.trim() === '' || passage.trim() === REDACTED) {
    throw problem('passage-required', 'Paste the passage to redact', 'passage');
  }
  if (passage.length > MAX_PASSAGE_LENGTH) {
    throw problem(
      'passage-too-long',
      `The passage must be at most ${MAX_PASSAGE_LENGTH} characters`,
      'passage',
    );
  }
  const reason = requireReason(command.reason, 'redact a passage');
  if (forms.some((form) => reason.includes(form))) {
    throw problem('reason-holds-passage', 'The reason must not repeat the passage it redacts', 'reason');
  }
  if (!command.versions.some((text) => forms.some((form) => text.includes(form)))) {
    throw problem(
      'passage-not-found',
      `The passage does not occur in the case study’s ${part === 'title' ? 'title' : `section ${String(part)}`}: paste it exactly as it is written`,
      'passage',
    );
  }
  return [
    {
      type: 'AppendixPassageRedacted',
      data: {
        appendixId: command.appendixId,
        caseStudyId: command.caseStudyId,
        part: part as 'title' | number,
        passageSha256: createHash('sha256').update(passage, 'utf8').digest('hex'),
        passageLength: passage.length,
        reason,
        by: command.actor.id,
      },
    },
  ];
}
