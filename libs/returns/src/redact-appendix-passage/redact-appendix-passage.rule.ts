import { Actor, DomainError } from '../../../kernel/src/index.js';
import { AppendixEvent } from '../appendices/appendices.events.js';
import { AppendicesState } from '../appendices/appendices.state.js';
import { checkedPassage } from '../redact-passage/checked-passage.js';

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
  // No version of the part: the study has no such section (its title always has one).
  if (command.versions.length === 0) {
    throw problem('part-not-found', `The case study has no section ${String(part)}`, 'part');
  }
  const { isIn, passageSha256, passageLength, reason } = checkedPassage(command.passage, command.reason);
  if (!command.versions.some(isIn)) {
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
        passageSha256,
        passageLength,
        reason,
        by: command.actor.id,
      },
    },
  ];
}
