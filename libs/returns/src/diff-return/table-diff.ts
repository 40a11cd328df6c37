import { ReturnTable } from '../return/return-content.js';
import { DiffBudget, myers, Run } from './diff-budget.js';

export type Mark = 'same' | 'changed' | 'added' | 'removed';

/** One cell as the reviewer sees it: its text now and, when it changed, what it was. */
export interface CellChange {
  mark: Mark;
  text: string;
  /** The earlier text of a changed cell. */
  was?: string;
}

export interface RowChange {
  mark: Mark;
  cells: CellChange[];
}

/** A table compared cell by cell: rows matched on their first cell (the row's label), then cells by column. */
export interface TableChange {
  mark: Mark;
  caption: CellChange;
  header: CellChange[];
  rows: RowChange[];
}

function cells(before: string[], after: string[]): CellChange[] {
  return Array.from({ length: Math.max(before.length, after.length) }, (_, i) => {
    if (i >= after.length) return { mark: 'removed' as const, text: before[i] };
    if (i >= before.length) return { mark: 'added' as const, text: after[i] };
    return before[i] === after[i]
      ? { mark: 'same' as const, text: after[i] }
      : { mark: 'changed' as const, text: after[i], was: before[i] };
  });
}

const whole = (mark: 'added' | 'removed', row: string[]): RowChange => ({
  mark,
  cells: row.map((text) => ({ mark, text })),
});

const overall = (marks: Mark[]): Mark => (marks.every((m) => m === 'same') ? 'same' : 'changed');

/**
 * What changed from one version of a table to another. Rows are matched on their label (the first cell), so a
 * row put in above others does not mark every row below it as changed; a row whose label changed reads as one
 * row removed and one added. Either table may be missing: the other is then wholly added or removed.
 */
export function tableDiff(
  before: ReturnTable | null,
  after: ReturnTable | null,
  budget = new DiffBudget(),
): TableChange {
  if (!before || !after) {
    const table = (before ?? after)!;
    const mark = before ? ('removed' as const) : ('added' as const);
    return {
      mark,
      caption: { mark, text: table.caption },
      header: table.header.map((text) => ({ mark, text })),
      rows: table.rows.map((row) => whole(mark, row)),
    };
  }
  const rows: RowChange[] = [];
  let i = 0;
  let j = 0;
  // Beyond the budget (labels changed in row after row), the rows are shown removed, then added.
  let runs = myers(before.rows, after.rows, budget, Infinity, (row) => row[0]);
  if (!runs) {
    budget.coarsePassages++;
    runs = [
      { op: '-', count: before.rows.length },
      { op: '+', count: after.rows.length },
    ] satisfies Run[];
  }
  for (const { op, count } of runs) {
    for (let k = 0; k < count; k++) {
      if (op === '-') rows.push(whole('removed', before.rows[i++]));
      else if (op === '+') rows.push(whole('added', after.rows[j++]));
      else {
        const row = cells(before.rows[i++], after.rows[j++]);
        rows.push({ mark: overall(row.map((c) => c.mark)), cells: row });
      }
    }
  }
  const [caption] = cells([before.caption], [after.caption]);
  const header = cells(before.header, after.header);
  return {
    mark: overall([caption.mark, ...header.map((c) => c.mark), ...rows.map((r) => r.mark)]),
    caption,
    header,
    rows,
  };
}
