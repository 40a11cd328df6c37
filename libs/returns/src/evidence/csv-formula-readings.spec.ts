import { cellName } from './csv-formula-cells.js';
import { CsvFormulaReadings } from './csv-formula-readings.js';

function scan(...pieces: string[]) {
  const readings = new CsvFormulaReadings();
  for (const piece of pieces) readings.write(piece);
  const found = readings.end();
  return found && { at: cellName(found), start: found.start };
}

describe('CsvFormulaReadings', () => {
  it.each([
    // Excel splits at the separator a first `sep=` line declares: each was one harmless cell to a comma reader.
    [
      'sep=; and a formula after it',
      'sep=;\r\nMeasure;Figure\r\nS1;=HYPERLINK("http://x.example","click")\r\n',
      'B3',
    ],
    ['sep=; and a DDE payload', "sep=;\nS1;-2+3+cmd|' /C calc'!A0\n", 'B2'],
    ['sep= in capitals, a tab', 'SEP=\t\nS1\t@SUM(A1)\n', 'B2'],
    ['sep=| with more on its line', 'sep=|,,\nS1|+cmd\n', 'B2'],
    ['a formula in a cell of its own that the comma reader sees too', 'sep=;\nS1,=1+1\n', 'B2'],
    // LibreOffice opens a quote after blanks as a quoted cell: ` "=1+1"` is `=1+1` there.
    ['blanks before a quoted formula', 'Measure,Figure\nS1, "=1+1"\n', 'B2'],
    ['a tab before a quoted formula', 'a,\t"@SUM(A1)"\n', 'B1'],
    ['blanks before a quoted formula holding the separator', 'a,  "-2+3,cmd"\n', 'B1'],
  ])('finds the formula after %s', (_what, csv, at) => {
    expect(scan(csv)?.at).toBe(at);
  });

  it('passes what no reading makes a formula', () => {
    expect(scan('sep=;\r\nMeasure;Figure;Note\r\nS1;-5;"a; b"\r\nS2;+2.5%;x = y\r\n')).toBeNull();
    expect(scan('Measure,Figure\nS1, "-5"\nS2, "quoted words"\n')).toBeNull();
    // A separator is declared only by the very first line.
    expect(scan('Measure\nsep=;\nS1;=1+1\n')).toBeNull();
    expect(scan('sep=;')).toBeNull();
  });

  it('passes a dashed note however the file is read: after blanks in quotes, or split by sep=', () => {
    expect(scan('Measure,Note\nS1, "- see notes"\nS2, "-5% on last year"\n')).toBeNull();
    expect(scan('sep=;\nMeasure;Note\nS1;- see notes\n')).toBeNull();
  });

  it('still finds a formula behind a dashed note’s blanks and quote, as LibreOffice reads it', () => {
    expect(scan('Measure,Note\nS1, "- see notes"\nS2, "-SUM(A1)"\n')?.at).toBe('B3');
    expect(scan('Measure,Note\nS1, "- see, =1+1"\n')?.at).toBe('C2');
  });

  it('reads a file cut anywhere into pieces as the whole', () => {
    const csv = 'sep=;\r\nMeasure;Figure\r\nS1; "=1+1"\r\n';
    for (let cut = 0; cut <= csv.length; cut += 1)
      expect([cut, scan(csv.slice(0, cut), csv.slice(cut))?.at]).toEqual([cut, 'B3']);
  });

  it('names the cell as the reading that found it splits the row', () => {
    expect(scan('sep=;\nName;Notes,more;=1+1\n')).toEqual({ at: 'C2', start: '=1+1' });
  });
});
