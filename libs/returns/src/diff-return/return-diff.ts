import { ReturnContent, ReturnTable } from '../return/return-content.js';
import { DiffBudget } from './diff-budget.js';
import { LineChange, lineDiff } from './line-diff.js';
import { TableChange, tableDiff } from './table-diff.js';
import { WordChange, wordDiff } from './word-diff.js';

/**
 * One difference between two versions of a return's content. Lists (tables, case studies) are compared
 * position by position: `field` names the item, such as `tables[1]`.
 */
export interface ContentChange {
  field: string;
  change: 'added' | 'removed' | 'changed';
  before: unknown;
  after: unknown;
  /** For the narrative: the line-by-line difference. */
  lines?: LineChange[];
  /** For the narrative and comments: the word-by-word difference. */
  words?: WordChange[];
  /** For a table: the cell-by-cell difference. */
  table?: TableChange;
  /**
   * True when some of `lines`, `words` or `table` shows a changed passage (lines, words or rows) removed whole,
   * then added whole: too big or too changed to compare finer within the comparison's budget (DiffBudget).
   */
  coarse?: true;
}

const SCALARS = ['rag', 'dot', 'comments'] as const;
const LISTS = ['tables', 'caseStudies'] as const;

/**
 * What changed from one version of a return's content to another, field by field, in a fixed order. Its texts
 * and tables share one budget (DiffBudget): whatever they hold, the comparison takes a few tens of milliseconds.
 */
export function diffReturnContent(
  before: ReturnContent,
  after: ReturnContent,
  budget = new DiffBudget(),
): ContentChange[] {
  const changes: ContentChange[] = [];
  // Marks a change whose differences the budget could not afford to find in full.
  const coarse = <T extends ContentChange>(change: () => T): T => {
    const passages = budget.coarsePassages;
    const made = change();
    return budget.coarsePassages > passages ? { ...made, coarse: true } : made;
  };
  for (const field of [SCALARS[0], 'narrative', ...SCALARS.slice(1)] as const) {
    const was = before[field] || null;
    const is = after[field] || null;
    if (was === is) continue;
    changes.push(
      coarse(() => ({
        field,
        change: was === null ? 'added' : is === null ? 'removed' : 'changed',
        before: was,
        after: is,
        ...(field === 'narrative' ? { lines: lineDiff(was ?? '', is ?? '', budget) } : {}),
        ...(field !== 'rag' && field !== 'dot' ? { words: wordDiff(was ?? '', is ?? '', budget) } : {}),
      })),
    );
  }
  for (const field of LISTS) {
    const was: unknown[] = before[field] ?? [];
    const is: unknown[] = after[field] ?? [];
    // Tables also carry their cell-by-cell difference; the fields before it are the API's first answer.
    const cells = (i: number) =>
      field === 'tables'
        ? {
            table: tableDiff(
              (was[i] ?? null) as ReturnTable | null,
              (is[i] ?? null) as ReturnTable | null,
              budget,
            ),
          }
        : {};
    for (let i = 0; i < Math.max(was.length, is.length); i++) {
      const at = `${field}[${i}]`;
      if (i >= is.length) {
        changes.push(
          coarse(() => ({ field: at, change: 'removed', before: was[i], after: null, ...cells(i) })),
        );
      } else if (i >= was.length) {
        changes.push(coarse(() => ({ field: at, change: 'added', before: null, after: is[i], ...cells(i) })));
      } else if (JSON.stringify(was[i]) !== JSON.stringify(is[i])) {
        changes.push(
          coarse(() => ({ field: at, change: 'changed', before: was[i], after: is[i], ...cells(i) })),
        );
      }
    }
  }
  return changes;
}
