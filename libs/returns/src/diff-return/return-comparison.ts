import { CaseStudy, ReturnContent } from '../return/return-content.js';
import { DiffBudget } from './diff-budget.js';
import { Mark, TableChange, tableDiff } from './table-diff.js';
import { WordChange, wordDiff } from './word-diff.js';

export interface ChoiceChange {
  before: string | null;
  after: string | null;
  changed: boolean;
}

/** Two versions of a return side by side in one: every field with its changes marked, for a reviewer to read. */
export interface ReturnComparison {
  changed: boolean;
  rag: ChoiceChange;
  dot: ChoiceChange;
  narrative: WordChange[];
  comments: WordChange[];
  tables: TableChange[];
  /** Case studies by position, each as its words (title, then each section's heading and body). */
  caseStudies: { mark: Mark; words: WordChange[] }[];
  /**
   * Some changed passages were too big or too changed to compare word by word within the comparison's budget
   * (see DiffBudget): each is shown removed whole, then added whole.
   */
  coarse: boolean;
}

const choice = (before?: string | null, after?: string | null): ChoiceChange => ({
  before: before || null,
  after: after || null,
  changed: (before || null) !== (after || null),
});

/**
 * A case study as one text, a paragraph per line (its title, then each section's heading and body), so its
 * words can be compared like a narrative: paragraph by paragraph first, so section by section.
 */
const studyText = (study: CaseStudy): string =>
  [`${study.title} (${study.agency})`, ...study.sections.map((s) => `${s.heading}: ${s.body}`)].join('\n');

const changedWords = (words: WordChange[]) => words.some((w) => w.op !== ' ');

/**
 * Compares two versions of a return's content: words in text, cells in tables, position by position in lists.
 * Its texts share one budget (DiffBudget): whatever they hold, the comparison takes a few tens of milliseconds.
 */
export function compareReturns(
  before: ReturnContent,
  after: ReturnContent,
  budget = new DiffBudget(),
): ReturnComparison {
  const count = (a?: unknown[], b?: unknown[]) => Math.max(a?.length ?? 0, b?.length ?? 0);
  // The budget goes to the texts in the order a reviewer reads them.
  const narrative = wordDiff(before.narrative ?? '', after.narrative ?? '', budget);
  const comments = wordDiff(before.comments ?? '', after.comments ?? '', budget);
  const tables = Array.from({ length: count(before.tables, after.tables) }, (_, i) =>
    tableDiff(before.tables?.[i] ?? null, after.tables?.[i] ?? null, budget),
  );
  const caseStudies = Array.from({ length: count(before.caseStudies, after.caseStudies) }, (_, i) => {
    const was = before.caseStudies?.[i];
    const is = after.caseStudies?.[i];
    const words = wordDiff(was ? studyText(was) : '', is ? studyText(is) : '', budget);
    const mark: Mark = !was ? 'added' : !is ? 'removed' : changedWords(words) ? 'changed' : 'same';
    return { mark, words };
  });
  const comparison = {
    rag: choice(before.rag, after.rag),
    dot: choice(before.dot, after.dot),
    narrative,
    comments,
    tables,
    caseStudies,
  };
  return {
    changed:
      comparison.rag.changed ||
      comparison.dot.changed ||
      changedWords(comparison.narrative) ||
      changedWords(comparison.comments) ||
      tables.some((t) => t.mark !== 'same') ||
      caseStudies.some((s) => s.mark !== 'same'),
    ...comparison,
    coarse: budget.coarsePassages > 0,
  };
}
