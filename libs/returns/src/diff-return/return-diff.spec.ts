import { ReturnContent, ReturnTable } from '../return/return-content.js';
import { lineDiff } from './line-diff.js';
import { diffReturnContent } from './return-diff.js';

const neet: ReturnTable = {
  caption: 'NEET by district',
  header: ['District', 'Mar 2019', 'Mar 2020'],
  rows: [
    ['Sevenoaks', '2.1%', '1.9%'],
    ['Tonbridge', '2.4%', '2.2%'],
  ],
};

describe('lineDiff', () => {
  it('keeps common lines and marks the removed and the added ones in reading order', () => {
    expect(lineDiff('a\nb\nc', 'a\nB\nc\nd')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: '+', text: 'B' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' },
    ]);
  });

  it('handles empty texts on either side', () => {
    expect(lineDiff('', '')).toEqual([]);
    expect(lineDiff('', 'new')).toEqual([{ op: '+', text: 'new' }]);
    expect(lineDiff('old', '')).toEqual([{ op: '-', text: 'old' }]);
  });

  it('keeps a nested list item that did not move when one beside it changed', () => {
    const before = '- Grants issued:\n  - DFG 81\n  - Discharge 6';
    const after = '- Grants issued:\n  - DFG 81\n  - Discharge 7\n  - Safe and Secure 12';
    expect(lineDiff(before, after).map((c) => c.op + c.text)).toEqual([
      ' - Grants issued:',
      '   - DFG 81',
      '-  - Discharge 6',
      '+  - Discharge 7',
      '+  - Safe and Secure 12',
    ]);
  });

  it('shows a text too big to compare line by line as replaced whole', () => {
    const before = Array.from({ length: 2100 }, (_, i) => `old ${i}`).join('\n');
    const after = Array.from({ length: 2100 }, (_, i) => `new ${i}`).join('\n');
    const changes = lineDiff(before, after);
    expect(changes).toHaveLength(4200);
    expect(changes[0]).toEqual({ op: '-', text: 'old 0' });
    expect(changes[2100]).toEqual({ op: '+', text: 'new 0' });
  });
});

describe('diffReturnContent', () => {
  it('finds nothing between equal contents, and treats missing, null and empty alike', () => {
    const content: ReturnContent = { rag: 'amber', narrative: 'x', tables: [neet] };
    expect(diffReturnContent(content, structuredClone(content))).toEqual([]);
    expect(diffReturnContent({}, { rag: null, comments: '', tables: [], caseStudies: [] })).toEqual([]);
  });

  it('lists rag, narrative (with its lines), dot and comments as added, changed or removed', () => {
    const changes = diffReturnContent(
      { rag: 'amber', narrative: 'Work started.', comments: 'Figures from KCC' },
      { rag: 'green', narrative: 'Work started.\nAll done.', dot: 'improving' },
    );
    // The API's first answer is kept; the word-by-word difference comes beside it.
    expect(changes).toMatchObject([
      { field: 'rag', change: 'changed', before: 'amber', after: 'green' },
      {
        field: 'narrative',
        change: 'changed',
        before: 'Work started.',
        after: 'Work started.\nAll done.',
        lines: [
          { op: ' ', text: 'Work started.' },
          { op: '+', text: 'All done.' },
        ],
      },
      { field: 'dot', change: 'added', before: null, after: 'improving' },
      { field: 'comments', change: 'removed', before: 'Figures from KCC', after: null },
    ]);
    expect(changes[1].words).toEqual([
      { op: ' ', text: 'Work started.\n' },
      { op: '+', text: 'All done.' },
    ]);
    expect(changes[3].words).toEqual([{ op: '-', text: 'Figures from KCC' }]);
    expect(changes[0].words).toBeUndefined();
  });

  it('compares tables and case studies position by position', () => {
    const revised = { ...neet, rows: [neet.rows[0], ['Tonbridge', '2.4%', '2.0%']] };
    const study = {
      title: 'Wellbeing walks',
      agency: 'HAT',
      sections: [{ heading: 'The beginning', body: 'x' }],
    };
    const changes = diffReturnContent(
      { tables: [neet, neet], caseStudies: [] },
      { tables: [revised], caseStudies: [study] },
    );
    expect(changes).toMatchObject([
      { field: 'tables[0]', change: 'changed', before: neet, after: revised },
      { field: 'tables[1]', change: 'removed', before: neet, after: null },
      { field: 'caseStudies[0]', change: 'added', before: null, after: study },
    ]);
    expect(changes[0].table?.rows.map((r) => r.mark)).toEqual(['same', 'changed']);
    expect(changes[1].table?.mark).toBe('removed');
    expect(changes[2].table).toBeUndefined();
  });
});
