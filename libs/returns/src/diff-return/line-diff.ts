import { diffLines } from 'diff';

export interface LineChange {
  /** ' ' kept, '-' only in the earlier text, '+' only in the later one. */
  op: ' ' | '-' | '+';
  text: string;
}

/**
 * Beyond this many edits the comparison costs more than it tells: the whole text is shown as replaced
 * instead (the `diff` package gives up and answers undefined).
 */
const MAX_EDITS = 10_000;

const linesOf = (text: string): string[] => (text === '' ? [] : text.split('\n'));

/** A line-by-line difference (the `diff` package's Myers diff), the way the API reports a changed narrative. */
export function lineDiff(before: string, after: string): LineChange[] {
  // Every line ends in a newline here, so a last line that gained one beside it still counts as kept.
  const terminated = (text: string) => (text === '' ? '' : `${text}\n`);
  const parts = diffLines(terminated(before), terminated(after), { maxEditLength: MAX_EDITS });
  if (!parts) {
    return [
      ...linesOf(before).map((text) => ({ op: '-' as const, text })),
      ...linesOf(after).map((text) => ({ op: '+' as const, text })),
    ];
  }
  return parts.flatMap((part) =>
    linesOf(part.value.replace(/\n$/, '')).map((text) => ({
      op: part.added ? ('+' as const) : part.removed ? ('-' as const) : (' ' as const),
      text,
    })),
  );
}
