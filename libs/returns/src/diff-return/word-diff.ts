import { ChangeObject, wordDiff as words } from 'diff';
import { COST, DiffBudget, myers, Run } from './diff-budget.js';
import { LineChange } from './line-diff.js';

/** One run of text: ' ' in both versions, '-' only in the earlier one, '+' only in the later one. */
export type WordChange = LineChange;

/** Past this many edits a word diff reads as noise: the text is shown as replaced whole. */
const MAX_EDITS = 5_000;

/** Texts this short (both together, in characters) are first compared whole, word by word. */
const WHOLE_TEXT = 20_000;

/** Past this many paragraphs added or removed, a text is compared as one changed passage. */
const MAX_PARAGRAPH_EDITS = 10_000;

const replaced = (before: string, after: string): WordChange[] => [
  ...(before ? [{ op: '-' as const, text: before }] : []),
  ...(after ? [{ op: '+' as const, text: after }] : []),
];

/**
 * The `diff` package's word diff (diffWords: its tokens, its equality, its tidying of spaces, so the same
 * answer), with tokens compared as numbers and within the budget; undefined when the texts cost more to split
 * into words than the budget affords, or need more edits than it allows.
 */
function boundedWords(before: string, after: string, budget: DiffBudget): WordChange[] | undefined {
  const splitting = COST.wordChar * (before.length + after.length);
  if (!budget.affords(splitting)) return undefined;
  budget.spend(splitting);
  const tokensOf = (text: string) => words.tokenize(text).filter((token) => token !== '');
  const [old, now] = [tokensOf(before), tokensOf(after)];
  // diffWords counts tokens equal when they are, trimmed of the spaces they carry.
  const runs = myers(old, now, budget, MAX_EDITS, (token) => token.trim());
  if (!runs) return undefined;
  let [i, j] = [0, 0];
  const changes: ChangeObject<string>[] = runs.map(({ op, count }) => {
    // As diffWords builds them: a kept run is the later text's tokens.
    const value = words.join(op === '-' ? old.slice(i, i + count) : now.slice(j, j + count));
    if (op !== '+') i += count;
    if (op !== '-') j += count;
    return { value, added: op === '+', removed: op === '-', count };
  });
  return words
    .postProcess(changes, {})
    .filter((part) => part.value !== '')
    .map((part) => ({
      op: part.added ? ('+' as const) : part.removed ? ('-' as const) : (' ' as const),
      text: part.value,
    }));
}

/** A text's paragraphs (lines), each with the newline that ends it: they join back into the text. */
const paragraphs = (text: string): string[] => text.match(/[^\n]*\n|[^\n]+$/g) ?? [];

const SPACE = /\s/;

/**
 * Two texts as what they begin with, what they end with (both cut where a space starts or ends, so no word is
 * cut in two) and what lies between: only that needs comparing word by word.
 */
function commonEnds(before: string, after: string): { head: string; was: string; is: string; tail: string } {
  const most = Math.min(before.length, after.length);
  let head = 0;
  while (head < most && before[head] === after[head]) head++;
  while (head > 0 && !SPACE.test(before[head - 1])) head--;
  let tail = 0;
  while (tail < most - head && before[before.length - 1 - tail] === after[after.length - 1 - tail]) tail++;
  while (tail > 0 && !SPACE.test(before[before.length - tail])) tail--;
  return {
    head: before.slice(0, head),
    was: before.slice(head, before.length - tail),
    is: after.slice(head, after.length - tail),
    tail: before.slice(before.length - tail),
  };
}

/** Runs in reading order, neighbours of the same kind joined. */
function joined(changes: WordChange[]): WordChange[] {
  const out: WordChange[] = [];
  for (const change of changes) {
    const last = out[out.length - 1];
    if (change.text === '') continue;
    if (last && last.op === change.op) last.text += change.text;
    else out.push({ ...change });
  }
  return out;
}

/**
 * A changed passage (paragraphs only in the earlier text, then those only in the later one): word by word
 * when the budget allows, else removed whole and added whole. The same number of paragraphs on each side are
 * compared pair by pair (a paragraph edited in each of them), which costs far less than all of them at once;
 * only what lies between a pair's common beginning and end is compared.
 */
function passage(
  before: string[],
  after: string[],
  budget: DiffBudget,
  tried?: [string, string],
): WordChange[] {
  if (!before.length || !after.length) return replaced(before.join(''), after.join(''));
  const paired = before.length === after.length;
  const changes: WordChange[] = [];
  for (let k = 0; k < (paired ? before.length : 1); k++) {
    if (!budget.affords(COST.call)) {
      // Nothing left to compare the rest with: it is shown removed whole and added whole, in one piece.
      budget.coarsePassages++;
      changes.push(...replaced(before.slice(k).join(''), after.slice(k).join('')));
      break;
    }
    const [was, is] = paired ? [before[k], after[k]] : [before.join(''), after.join('')];
    if (was === is) {
      changes.push({ op: ' ', text: was });
      continue;
    }
    const ends = commonEnds(was, is);
    // A pair already compared whole, and found too changed, is not compared again.
    const again = tried && ends.was === tried[0] && ends.is === tried[1];
    const middle =
      !ends.was || !ends.is
        ? replaced(ends.was, ends.is)
        : again
          ? undefined
          : boundedWords(ends.was, ends.is, budget);
    if (!middle) budget.coarsePassages++;
    changes.push({ op: ' ', text: ends.head }, ...(middle ?? replaced(ends.was, ends.is)), {
      op: ' ',
      text: ends.tail,
    });
  }
  return changes;
}

/**
 * A word-by-word difference, the way a reviewer reads a changed narrative: the words kept, the words taken out
 * and the words put in, in reading order, spaces kept so the runs join back into the text. All within the
 * budget (one per comparison of two versions, shared by its texts). Short texts are compared whole, as the
 * `diff` package's diffWords does. Longer ones, or short ones too changed for that, are compared paragraph by
 * paragraph first (a line diff), then word by word inside the passages that changed, smallest first. A
 * changed passage the budget cannot afford is shown removed whole and added whole, and counted in
 * `budget.coarsePassages`.
 */
export function wordDiff(before: string, after: string, budget = new DiffBudget()): WordChange[] {
  if (before === after) return before === '' ? [] : [{ op: ' ', text: before }];
  if (!before || !after) return replaced(before, after);
  const small = before.length + after.length <= WHOLE_TEXT;
  if (small) {
    const whole = boundedWords(before, after, budget);
    if (whole) return whole;
  }
  budget.spend(COST.lineChar * (before.length + after.length));
  const [old, now] = [paragraphs(before), paragraphs(after)];
  const runs: Run[] = myers(old, now, budget, MAX_PARAGRAPH_EDITS, (paragraph) => paragraph) ?? [
    { op: '-', count: old.length },
    { op: '+', count: now.length },
  ];
  // Kept paragraphs, and the passages between them (removed paragraphs, then added ones).
  const pieces: ({ kept: string } | { before: string[]; after: string[] })[] = [];
  let [i, j] = [0, 0];
  for (const { op, count } of runs) {
    if (op === ' ') {
      pieces.push({ kept: now.slice(j, j + count).join('') });
      [i, j] = [i + count, j + count];
      continue;
    }
    const last = pieces[pieces.length - 1];
    const changed = last && 'before' in last ? last : { before: [], after: [] };
    if (changed !== last) pieces.push(changed);
    if (op === '-') changed.before.push(...old.slice(i, (i += count)));
    else changed.after.push(...now.slice(j, (j += count)));
  }
  // The budget goes to the smallest passages first: a reviewer's few edits, before a passage rewritten whole.
  const size = (piece: (typeof pieces)[number]) =>
    'kept' in piece
      ? 0
      : piece.before.reduce((n, p) => n + p.length, 0) + piece.after.reduce((n, p) => n + p.length, 0);
  const compared = new Map<number, WordChange[]>();
  for (const k of pieces.map((_, k) => k).sort((a, b) => size(pieces[a]) - size(pieces[b]))) {
    const piece = pieces[k];
    compared.set(
      k,
      'kept' in piece
        ? [{ op: ' ', text: piece.kept }]
        : passage(piece.before, piece.after, budget, small ? [before, after] : undefined),
    );
  }
  return joined(pieces.flatMap((_, k) => compared.get(k)!));
}
