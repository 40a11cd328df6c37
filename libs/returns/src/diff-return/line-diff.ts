import { COST, DiffBudget, myers } from './diff-budget.js';

export interface LineChange {
  /** ' ' kept, '-' only in the earlier text, '+' only in the later one. */
  op: ' ' | '-' | '+';
  text: string;
}

/**
 * Beyond this many edits the comparison costs more than it tells: the whole text is shown as replaced
 * instead. The budget of the comparison may allow fewer.
 */
const MAX_EDITS = 10_000;

const linesOf = (text: string): string[] => (text === '' ? [] : text.split('\n'));

/**
 * A line-by-line difference (a Myers diff, as the `diff` package's diffLines finds it), the way the API
 * reports a changed narrative. Within the budget of the comparison (one per comparison of two versions,
 * shared by its texts): a text whose lines it cannot afford to compare is shown as all its lines removed, then
 * all added, and counted in `budget.coarsePassages`.
 */
export function lineDiff(before: string, after: string, budget = new DiffBudget()): LineChange[] {
  // Every line ends in a newline here, so a last line that gained one beside it still counts as kept.
  const terminated = (text: string) => (text === '' ? [] : `${text}\n`.match(/[^\n]*\n/g)!);
  budget.spend(COST.lineChar * (before.length + after.length));
  const [old, now] = [terminated(before), terminated(after)];
  const runs = myers(old, now, budget, MAX_EDITS, (line) => line);
  if (!runs) {
    if (old.length && now.length) budget.coarsePassages++;
    return [
      ...linesOf(before).map((text) => ({ op: '-' as const, text })),
      ...linesOf(after).map((text) => ({ op: '+' as const, text })),
    ];
  }
  let [i, j] = [0, 0];
  return runs.flatMap(({ op, count }) => {
    const value = (op === '-' ? old.slice(i, i + count) : now.slice(j, j + count)).join('');
    if (op !== '+') i += count;
    if (op !== '-') j += count;
    return linesOf(value.replace(/\n$/, '')).map((text) => ({ op, text }));
  });
}
