import { pastedTable } from './pasted-table.js';

describe('pastedTable', () => {
  it('reads cells copied from a spreadsheet: tab-separated lines, the first the headings', () => {
    // As Excel puts a range on the clipboard: tabs between cells, CRLF after each row, one at the end.
    const copied = 'District\tNEET\tNot known\r\nSevenoaks\t2.1%\t1.0%\r\nKent\t2.6%\r\n';
    expect(pastedTable(copied)).toEqual({
      table: {
        caption: '',
        header: ['District', 'NEET', 'Not known'],
        rows: [
          ['Sevenoaks', '2.1%', '1.0%'],
          ['Kent', '2.6%', ''],
        ],
      },
    });
  });

  it('reads the " | " lines the service gives back to copy, and a single column', () => {
    expect(pastedTable('Year | Visits\n2019 | 1,200')).toEqual({
      table: { caption: '', header: ['Year', 'Visits'], rows: [['2019', '1,200']] },
    });
    expect(pastedTable('\nActions\nOne\nTwo\n\n')).toEqual({
      table: { caption: '', header: ['Actions'], rows: [['One'], ['Two']] },
    });
  });

  it('gives headings alone a blank row to fill in', () => {
    expect(pastedTable('A\tB')).toEqual({ table: { caption: '', header: ['A', 'B'], rows: [['', '']] } });
  });

  it.each([
    ['nothing', '  \r\n ', /^Paste the cells of a table/],
    ['too many columns', Array.from({ length: 31 }, (_, i) => `c${i}`).join('\t'), /31 columns and 0 rows/],
    ['too many rows', ['Heading', ...Array<string>(501).fill('x')].join('\n'), /1 column and 501 rows/],
    ['a cell too long', `A\n${'é'.repeat(501)}`, /at most 500 characters/],
  ])('says what is wrong with %s', (_what, text, problem) => {
    const pasted = pastedTable(text);
    expect('problem' in pasted && pasted.problem).toMatch(problem);
  });
});
