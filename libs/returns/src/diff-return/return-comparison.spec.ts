import { compareReturns } from './return-comparison.js';

describe('compareReturns', () => {
  it('given equal contents, answers not changed', () => {
    const content = { rag: 'green' as const, narrative: 'On target', tables: [], caseStudies: [] };
    expect(compareReturns(content, structuredClone(content)).changed).toBe(false);
    expect(compareReturns({}, { rag: null, comments: '' }).changed).toBe(false);
  });

  it('given changes in each field, marks choices, words, tables and case studies', () => {
    const study = { title: 'Walks', agency: 'HAT', sections: [{ heading: 'Start', body: 'Ten walkers' }] };
    const comparison = compareReturns(
      { rag: 'amber', narrative: 'Ten grants issued', dot: 'improving', caseStudies: [study] },
      {
        rag: 'green',
        narrative: 'Twelve grants issued',
        dot: 'improving',
        tables: [{ caption: 'Grants', header: ['Type', 'Count'], rows: [['DFG', '81']] }],
        caseStudies: [{ ...study, sections: [{ heading: 'Start', body: 'Twenty walkers' }] }],
      },
    );
    expect(comparison.changed).toBe(true);
    expect(comparison.rag).toEqual({ before: 'amber', after: 'green', changed: true });
    expect(comparison.dot.changed).toBe(false);
    expect(comparison.narrative.filter((w) => w.op !== ' ')).toEqual([
      { op: '-', text: 'Ten' },
      { op: '+', text: 'Twelve' },
    ]);
    expect(comparison.tables.map((t) => t.mark)).toEqual(['added']);
    expect(comparison.caseStudies[0].mark).toBe('changed');
    expect(comparison.caseStudies[0].words.filter((w) => w.op === '+')).toEqual([
      { op: '+', text: 'Twenty' },
    ]);
  });
});
