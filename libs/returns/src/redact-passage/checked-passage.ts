import { createHash } from 'node:crypto';
import { DomainError, lineEndingForms, passageForms, requireReason } from '../../../kernel/src/index.js';
import { holdsPassage, REDACTED } from '../return-texts/return-text-fields.js';

/** Long enough for a name; a redaction is of a passage, not of a whole report. */
export const MAX_PASSAGE_LENGTH = 2000;

/** A passage to redact and its reason, as both redactions (a return's text, an appendix's study) check them. */
export interface CheckedPassage {
  /** Whether a text holds the passage, whichever way its lines end or its accents were typed (see passageForms). */
  isIn(text: string): boolean;
  /** What the event keeps of it, never the passage: its SHA-256 and length, with line feeds. */
  passageSha256: string;
  passageLength: number;
  reason: string;
}

/**
 * The passage, required and within its limit, and the reason, required and not repeating the passage in any case:
 * the reason is kept readable for good, so it must not carry the passage back in.
 */
export function checkedPassage(passage: unknown, reason: unknown): CheckedPassage {
  const given = typeof passage === 'string' ? passage : '';
  const [lf] = lineEndingForms(given);
  const forms = passageForms(given);
  if (lf.trim() === '' || lf.trim() === REDACTED) {
    throw new DomainError('passage-required', 'Paste the passage to redact', 'unprocessable', 'passage');
  }
  if (lf.length > MAX_PASSAGE_LENGTH) {
    throw new DomainError(
      'passage-too-long',
      `The passage must be at most ${MAX_PASSAGE_LENGTH} characters`,
      'unprocessable',
      'passage',
    );
  }
  const readable = requireReason(reason, 'redact a passage');
  const isIn = (text: string) => holdsPassage(text, forms);
  // The texts are rewritten only where the passage stands as typed, but a reader of the reason needs no more
  // than its words: "jo bloggs asked" gives back "Jo Bloggs" as plainly as the name itself.
  const lowerReason = readable.toLowerCase();
  if (forms.some((form) => lowerReason.includes(form.toLowerCase()))) {
    throw new DomainError(
      'reason-holds-passage',
      'The reason must not repeat the passage it redacts',
      'unprocessable',
      'reason',
    );
  }
  return {
    isIn,
    passageSha256: createHash('sha256').update(lf, 'utf8').digest('hex'),
    passageLength: lf.length,
    reason: readable,
  };
}
