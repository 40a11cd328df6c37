import { COST, DIFF_BUDGET, DiffBudget } from './diff-budget.js';
import { compareReturns } from './return-comparison.js';
import { wordDiff } from './word-diff.js';

let seed = 3;
const random = (n: number) => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const words = (prefix: string, count: number) =>
  Array.from({ length: count }, () => `${prefix}${random(100)}`).join(' ');

describe('DiffBudget', () => {
  it('gives a diff at most half of what is left, and nothing once spent', () => {
    const budget = new DiffBudget(1_000_000);
    const edits = budget.editsFor(100);
    expect(COST.call + COST.diagonal * (edits + 1) ** 2 + COST.step * 100 * (edits + 1)).toBeLessThanOrEqual(
      500_000,
    );
    expect(COST.call + COST.diagonal * (edits + 2) ** 2 + COST.step * 100 * (edits + 2)).toBeGreaterThan(
      500_000,
    );
    expect(budget.affords(500_000)).toBe(true);
    expect(budget.affords(500_001)).toBe(false);
    budget.spend(1_000_000);
    expect(budget.editsFor(1)).toBe(0);
  });

  it('keeps the work of the probe’s review page within the budget (and the linear work of reading it)', () => {
    const content = (prefix: string) => ({
      narrative: words(prefix, 12_000),
      caseStudies: Array.from({ length: 9 }, () => ({
        title: 'Walks',
        agency: 'HAT',
        sections: Array.from({ length: 10 }, (_, i) => ({
          heading: `Part ${i}`,
          body: words(prefix, 5_000),
        })),
      })),
    });
    const [before, after] = [content('a'), content('b')];
    const chars = JSON.stringify(before).length + JSON.stringify(after).length;
    const budget = new DiffBudget();
    const comparison = compareReturns(before, after, budget);
    expect(budget.used).toBeLessThanOrEqual(DIFF_BUDGET + COST.lineChar * chars);
    // The narrative and every case study (each rewritten in other words) are shown whole.
    expect(budget.coarsePassages).toBeGreaterThanOrEqual(1 + 9);
    expect(comparison.coarse).toBe(true);
  });

  it('spends little on a few words changed, and marks them word by word', () => {
    const text = words('a', 5_000);
    const budget = new DiffBudget();
    const [, word] = / (a\d+) /.exec(text.slice(10_000))!;
    const changes = wordDiff(text, text.slice(0, 10_000) + text.slice(10_000).replace(word, 'seven'), budget);
    expect(changes.filter((c) => c.op !== ' ').map((c) => c.text)).toEqual([word, 'seven']);
    expect(budget.coarsePassages).toBe(0);
    expect(budget.used).toBeLessThan(DIFF_BUDGET / 2);
  });

  it('shows a passage it cannot afford removed whole and added whole, and counts it', () => {
    const budget = new DiffBudget(1_000);
    expect(wordDiff('Ten walkers', 'Twenty walkers', budget)).toEqual([
      { op: '-', text: 'Ten walkers' },
      { op: '+', text: 'Twenty walkers' },
    ]);
    expect(budget.coarsePassages).toBe(1);
  });
});
