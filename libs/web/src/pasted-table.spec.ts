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

  it('reads a cell with line breaks as Excel copies it: quoted, its quotes doubled, one cell on one line', () => {
    // The seed's NEET headings are wrapped with Alt+Enter ("Total / Cohort / Yr12 & / Yr13"); Excel, LibreOffice
    // and Google Sheets quote such a cell on the clipboard. Read line by line, the heading became four rows.
    const copied =
      '"Yr12 & Yr13\r\nNEET Summary"\t"Total\r\nCohort\r\nYr12 &\r\nYr13"\t"The ""Speech\nBubbles"" project"\r\n' +
      'Kent\t32,240\t"Lowest in\nKent"\r\n';
    expect(pastedTable(copied)).toEqual({
      table: {
        caption: '',
        header: ['Yr12 & Yr13 NEET Summary', 'Total Cohort Yr12 & Yr13', 'The "Speech Bubbles" project'],
        rows: [['Kent', '32,240', 'Lowest in Kent']],
      },
    });
    // A single column of such cells is read the same.
    expect(pastedTable('"Actions\nagreed"\nOne')).toEqual({
      table: { caption: '', header: ['Actions agreed'], rows: [['One']] },
    });
  });

  it('keeps quotes that open no quoted cell, as the spreadsheet copied them', () => {
    // A cell with no line break is copied as it is, even one that starts and ends with a quote.
    expect(
      pastedTable(
        'Scheme\tNote\r\n"Wellbeing Starts at Home"\t"Speech Bubbles" (Priority: A)\r\n"Unclosed\t5',
      ),
    ).toEqual({
      table: {
        caption: '',
        header: ['Scheme', 'Note'],
        rows: [
          ['"Wellbeing Starts at Home"', '"Speech Bubbles" (Priority: A)'],
          ['"Unclosed', '5'],
        ],
      },
    });
  });

  it('says how long a paste of 300,000 lines is, rather than failing on it', () => {
    // The widest row was found with Math.max(...rows): 300,000 arguments overflowed the stack, a 500 for the lead.
    const pasted = pastedTable('Ward\tCount\n' + 'Swanley\t1\n'.repeat(300_000));
    expect('problem' in pasted && pasted.problem).toMatch(/2 columns and 300000 rows/);
  });

  /**
   * An attacker's probe: a quoted cell's line breaks and the spaces beside them were found with a split on
   * `\s*[\n\t]\s*`, tried from every space to the end of its run: 400 such cells of 5,000 spaces (a 2 MB paste) held
   * the api's one thread 6 s.
   */
  it('reads quoted cells of thousands of spaces in bounded time', () => {
    const cell = `"\nx${' '.repeat(4_990)}x"`;
    const start = performance.now();
    const pasted = pastedTable(`${cell}\t`.repeat(400));
    expect(performance.now() - start).toBeLessThan(1_000);
    expect('problem' in pasted && pasted.problem).toMatch(/at most 30 columns/);
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
