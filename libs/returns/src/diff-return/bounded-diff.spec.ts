import { diffWords } from 'diff';
import { CaseStudy, ReturnContent, ReturnTable } from '../return/return-content.js';
import { lineDiff } from './line-diff.js';
import { compareReturns } from './return-comparison.js';
import { diffReturnContent } from './return-diff.js';
import { tableDiff } from './table-diff.js';
import { wordDiff } from './word-diff.js';
import { seededWords } from '../../../../test/support/seeded-words.js';

/**
 * A comparison's cost is bounded whatever a lead writes: the texts of a security probe (a 50,000-character
 * narrative, 9 case studies of 10 sections of 20,000 characters, each version in other random words) held the
 * api's event loop for 25 s a review page, 2.5 s a diff. Timings are asserted loosely (a slow, shared
 * machine): the old comparison took seconds to tens of seconds for each of them.
 */

const { random, words } = seededWords(1);

const study = (prefix: string): CaseStudy => ({
  title: `Study ${prefix}`,
  agency: 'HAT',
  sections: Array.from({ length: 10 }, (_, i) => ({ heading: `Part ${i}`, body: words(prefix, 20_000) })),
});
const probe = (prefix: string): ReturnContent => ({
  rag: 'amber',
  narrative: words(prefix, 50_000),
  caseStudies: Array.from({ length: 9 }, () => study(prefix)),
});

type Change = { op: string; text: string };
/** The earlier text (kept and removed runs) or the later one (kept and added runs). */
const side = (changes: Change[], which: '-' | '+') =>
  changes
    .filter((c) => c.op === ' ' || c.op === which)
    .map((c) => c.text)
    .join('');
const timed = <T>(run: () => T): [T, number] => {
  const start = performance.now();
  const result = run();
  return [result, performance.now() - start];
};
const studyText = (s: CaseStudy) =>
  [`${s.title} (${s.agency})`, ...s.sections.map((x) => `${x.heading}: ${x.body}`)].join('\n');

describe('a bounded comparison', () => {
  it('gives small texts the word diff they always had (the diff package’s diffWords)', () => {
    const vocabulary = [
      'Grants',
      'issued',
      '12',
      '15%',
      ',',
      '.',
      'the',
      ' ',
      '\n',
      '\n\n',
      '- ',
      '\t',
      'DFG',
    ];
    for (let n = 0; n < 500; n++) {
      const text = () =>
        Array.from(
          { length: random(40) },
          () => vocabulary[random(vocabulary.length)] + (random(3) ? ' ' : ''),
        ).join('');
      const before = text();
      const after = random(3) ? before.replace(/1|the|,/g, () => text().slice(0, 8)) : text();
      if (!before || !after || before === after) continue;
      const expected = diffWords(before, after)
        .filter((p) => p.value !== '')
        .map((p) => ({ op: p.added ? '+' : p.removed ? '-' : ' ', text: p.value }));
      expect(wordDiff(before, after)).toEqual(expected);
    }
  });

  it('compares the probe’s two versions of a review page quickly, coarse, and both versions read back from it', () => {
    const [before, after] = [probe('a'), probe('b')];
    const [comparison, ms] = timed(() => compareReturns(before, after));
    expect(ms).toBeLessThan(500);
    expect(comparison.changed).toBe(true);
    expect(comparison.coarse).toBe(true);
    expect(side(comparison.narrative, '-')).toBe(before.narrative);
    expect(side(comparison.narrative, '+')).toBe(after.narrative);
    comparison.caseStudies.forEach((s, i) => {
      expect(s.mark).toBe('changed');
      expect(side(s.words, '-')).toBe(studyText(before.caseStudies![i]));
      expect(side(s.words, '+')).toBe(studyText(after.caseStudies![i]));
    });
  }, 20_000);

  it('still marks a few words changed in long texts word by word, section by section', () => {
    const before = probe('a');
    const edit = (text: string) => text.replace(/ a\d+ /, ' EDITED ');
    const after: ReturnContent = {
      ...before,
      narrative: edit(before.narrative!),
      caseStudies: before.caseStudies!.map((s, i) =>
        i === 4
          ? { ...s, sections: s.sections.map((x, k) => (k === 7 ? { ...x, body: edit(x.body) } : x)) }
          : s,
      ),
    };
    const [comparison, ms] = timed(() => compareReturns(before, after));
    expect(ms).toBeLessThan(500);
    expect(comparison.coarse).toBe(false);
    expect(comparison.narrative.filter((w) => w.op === '+')).toEqual([{ op: '+', text: 'EDITED' }]);
    expect(comparison.caseStudies.map((s) => s.mark)).toEqual([
      ...Array(4).fill('same'),
      'changed',
      ...Array(4).fill('same'),
    ]);
    expect(comparison.caseStudies[4].words.filter((w) => w.op === '+')).toEqual([
      { op: '+', text: 'EDITED' },
    ]);
    expect(side(comparison.caseStudies[4].words, '-')).toBe(studyText(before.caseStudies![4]));
    expect(side(comparison.caseStudies[4].words, '+')).toBe(studyText(after.caseStudies![4]));
  }, 20_000);

  it('answers the API’s diff of two 50,000-character narratives quickly, marked coarse', () => {
    const [before, after] = [{ narrative: words('a', 50_000) }, { narrative: words('b', 50_000) }];
    const [changes, ms] = timed(() => diffReturnContent(before, after));
    expect(ms).toBeLessThan(500);
    expect(changes).toMatchObject([{ field: 'narrative', change: 'changed', coarse: true }]);
    expect(side(changes[0].words!, '-')).toBe(before.narrative);
    expect(side(changes[0].words!, '+')).toBe(after.narrative);
  }, 20_000);

  it('keeps a line diff of thousands of changed lines, and a word diff of thousands of paragraphs, quick', () => {
    const lines = (prefix: string) =>
      Array.from({ length: 25_000 }, () => `${prefix}${random(50)}`).join('\n');
    const [before, after] = [lines(''), lines('')];
    const [changes, ms] = timed(() => lineDiff(before, after));
    expect(ms).toBeLessThan(500);
    expect(changes.filter((c) => c.op !== '+').map((c) => c.text)).toEqual(before.split('\n'));
    expect(changes.filter((c) => c.op !== '-').map((c) => c.text)).toEqual(after.split('\n'));
    const [marked, wordMs] = timed(() => wordDiff(before, after));
    expect(wordMs).toBeLessThan(500);
    expect(side(marked, '-')).toBe(before);
    expect(side(marked, '+')).toBe(after);
  }, 20_000);

  it('compares 20 tables of 500 rows whose every label changed quickly', () => {
    const table = (prefix: string): ReturnTable => ({
      caption: 'Grants',
      header: ['Type', 'Count'],
      rows: Array.from({ length: 500 }, (_, r) => [`${prefix}${r}`, `${r}`]),
    });
    const [comparison, ms] = timed(() =>
      compareReturns(
        { tables: Array.from({ length: 20 }, () => table('a')) },
        { tables: Array.from({ length: 20 }, () => table('b')) },
      ),
    );
    expect(ms).toBeLessThan(500);
    for (const t of comparison.tables) {
      expect(t.rows.filter((r) => r.mark === 'removed').map((r) => r.cells[0].text)).toEqual(
        table('a').rows.map((r) => r[0]),
      );
      expect(t.rows.filter((r) => r.mark === 'added').map((r) => r.cells[0].text)).toEqual(
        table('b').rows.map((r) => r[0]),
      );
    }
    // A few rows put in are found as ever.
    const grown = { ...table('a'), rows: [['new', '1'], ...table('a').rows] };
    expect(tableDiff(table('a'), grown).rows.map((r) => r.mark)).toEqual([
      'added',
      ...Array(500).fill('same'),
    ]);
  }, 20_000);
});
