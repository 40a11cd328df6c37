import { diffWords } from 'diff';
import { LineChange } from './line-diff.js';

/** One run of text: ' ' in both versions, '-' only in the earlier one, '+' only in the later one. */
export type WordChange = LineChange;

/** Past this many edits a word diff reads as noise and costs time: the text is shown as replaced whole. */
const MAX_EDITS = 5_000;

/**
 * A word-by-word difference (the `diff` package), the way a reviewer reads a changed narrative: the words kept,
 * the words taken out and the words put in, in reading order, spaces kept so the runs join back into the text.
 */
export function wordDiff(before: string, after: string): WordChange[] {
  if (before === after) return before === '' ? [] : [{ op: ' ', text: before }];
  const parts = diffWords(before, after, { maxEditLength: MAX_EDITS });
  if (!parts) {
    return [
      ...(before ? [{ op: '-' as const, text: before }] : []),
      ...(after ? [{ op: '+' as const, text: after }] : []),
    ];
  }
  return parts
    .filter((part) => part.value !== '')
    .map((part) => ({
      op: part.added ? ('+' as const) : part.removed ? ('-' as const) : (' ' as const),
      text: part.value,
    }));
}
