import { cellName, CsvFormulaCells } from './csv-formula-cells.js';

function scan(...pieces: string[]) {
  const cells = new CsvFormulaCells();
  for (const piece of pieces) cells.write(piece);
  return cells.end();
}

describe('CsvFormulaCells', () => {
  it('passes figures, words and signed numbers', () => {
    expect(
      scan(
        'Measure,2019/20,Change\r\nNEET,4.1%,-0.3\r\nVolunteers,"1,200",+15%\r\nNote,"a ""quoted"" word",- 2\r\n',
      ),
    ).toBeNull();
    expect(scan('a,b\n-1,200,+.5\n')).toBeNull();
    expect(scan('')).toBeNull();
  });

  it.each([
    ['=1+1\n', 'A1', '=1+1'],
    ['a,b\nc,=HYPERLINK("http://x.example","click")\n', 'B2', '=HYPERLINK("http://x'],
    ['a,"@SUM(A1:A2)"\n', 'B1', '@SUM(A1:A2)'],
    ["x\n-2+3+cmd|' /C calc'!A0\n", 'A2', "-2+3+cmd|' /C calc'!"],
    ['"a\nb",+cmd|x\n', 'B1', '+cmd|x'],
    // The last cell, with no line break after it.
    ['a,b\r\nc,=1', 'B2', '=1'],
  ])('finds the formula in %j at %s', (csv, at, start) => {
    const found = scan(csv);
    expect(found && { at: cellName(found), start: found.start }).toEqual({ at, start });
  });

  // What a spreadsheet skips before the sign (spaces, tabs, line breaks, invisible format characters) and the
  // full-width signs: each was taken before the check was the report CSV guard's rule too.
  it.each([
    ['a leading space', 'a,b\nc, =1+1\n', 'B2', '=1+1'],
    ['a leading tab', 'a,b\nc,\t=1+1\n', 'B2', '=1+1'],
    ['a leading line break in a quoted cell', 'a,b\nc,"\n=1+1"\n', 'B2', '=1+1'],
    ['a full-width =', 'a,b\nc,\uff1d1+1\n', 'B2', '\uff1d1+1'],
    ['a byte order mark', 'a,b\nc,\ufeff=1+1\n', 'B2', '=1+1'],
    ['a zero-width space before @', 'a,\u200b@SUM(A1)\n', 'B1', '@SUM(A1)'],
    ['a no-break space and a minus sign', '\u00a0\u22122+3\n', 'A1', '\u22122+3'],
    ['spaces before a signed figure with more after it', 'a, -2+3\n', 'B1', '-2+3'],
    ['many spaces, more than the cell kept', `a,${' '.repeat(100)}=1+1\n`, 'B1', '=1+1'],
    ['a sign and more digits than any figure', `a,-${'1'.repeat(60)}\n`, 'B1', `-${'1'.repeat(19)}`],
  ])('finds the formula after %s', (_what, csv, at, start) => {
    const found = scan(csv);
    expect(found && { at: cellName(found), start: found.start }).toEqual({ at, start });
  });

  it('passes a signed figure whatever leads it, and words after spaces', () => {
    expect(scan('a, -0.3,\t+15%,"\n-1,200",\ufeff-.5,  words, x = 1\n')).toBeNull();
    expect(scan(`a,${' '.repeat(100)}-5\n`)).toBeNull();
    // The minus sign (U+2212) a Word document puts in a figure: a figure too (kernel's isSignedFigure).
    expect(scan('Area,Diff from target\nDartford,\u22121.6%\nKent,"\u22121,234.5"\n')).toBeNull();
  });

  it('passes dashed notes: words after a minus, a long one too, quoted or not', () => {
    expect(scan('Measure,Figure,Note\nS1,-5,- see notes\nS2,"-5% on last year",-ve trend\n')).toBeNull();
    const long = `- see the notes from the partnership’s board meeting in May 2024, agreed by all ${'x'.repeat(200)}`;
    expect(scan(`a,"${long}"\n`)).toBeNull();
    expect(scan(`a,"${long}"`)).toBeNull();
  });

  it.each([
    ['a sum after words', 'a,-1+1\n', 'B1', '-1+1'],
    ['a function', 'a,-SUM(A1)\n', 'B1', '-SUM(A1)'],
    ['a DDE payload behind words', "a,- see notes+cmd|' /C calc'!A0\n", 'B1', "- see notes+cmd|' /C"],
    [
      'a call far past what is kept',
      `a,"- see ${'notes '.repeat(10)}=HYPERLINK(""http://x"")"\n`,
      'B1',
      '- see notes notes no',
    ],
    ['a tab inside a note', 'a,"- see\tnotes"\n', 'B1', '- see\tnotes'],
    ['a line break inside a note', 'a,"- see\nnotes"\n', 'B1', '- see\nnotes'],
    ['a full-width minus before words', 'a,\uff0d see notes\n', 'B1', '\uff0d see notes'],
    ['a plus before words', 'a,+ see notes\n', 'B1', '+ see notes'],
    [
      'a long cell of digits with a letter only past what is kept',
      `a,-${'1'.repeat(60)}x\n`,
      'B1',
      `-${'1'.repeat(19)}`,
    ],
  ])('still finds the formula in %s', (_what, csv, at, start) => {
    const found = scan(csv);
    expect(found && { at: cellName(found), start: found.start }).toEqual({ at, start });
  });

  it('reads a file cut anywhere into pieces as the whole', () => {
    const csv = 'Measure,"Said ""=no"" here"\r\nS1,"=IMPORTXML(A1,""//a"")"\r\n';
    for (let cut = 0; cut <= csv.length; cut += 1)
      expect(cellName(scan(csv.slice(0, cut), csv.slice(cut))!)).toBe('B2');
  });

  it('names columns as a spreadsheet does', () => {
    expect([1, 26, 27, 52, 703].map((column) => cellName({ row: 9, column }))).toEqual([
      'A9',
      'Z9',
      'AA9',
      'AZ9',
      'AAA9',
    ]);
  });
});

/**
 * The rest of a harmless cell is passed over (a 20 MB file took 1 s, character by character): the verdict must be
 * the one reading every character gives, the cell and its start too, for any text, separator and reading.
 */
describe('CsvFormulaCells, passing over the rest of a harmless cell', () => {
  /** Every character read one at a time by take(), as write() did before it passed over any. */
  const everyCharacter = (reading: ConstructorParameters<typeof CsvFormulaCells>[0], pieces: string[]) => {
    const cells = new CsvFormulaCells(reading);
    const take = (cells as unknown as { take(ch: string): void }).take.bind(cells);
    for (const piece of pieces)
      for (const ch of piece) {
        if (cells.found) break;
        take(ch);
      }
    return cells.end();
  };
  const passingOver = (reading: ConstructorParameters<typeof CsvFormulaCells>[0], pieces: string[]) => {
    const cells = new CsvFormulaCells(reading);
    for (const piece of pieces) cells.write(piece);
    return cells.end();
  };

  it('reads a harmless cell’s first character and what ends it, not the rest', () => {
    const take = jest.spyOn(CsvFormulaCells.prototype as unknown as { take(ch: string): void }, 'take');
    try {
      const cells = new CsvFormulaCells();
      cells.write(`Notes,"${'a long note, '.repeat(1000)}"\n${'x'.repeat(10_000)},-5\n`);
      expect(cells.end()).toBeNull();
      // N and its comma; the opening quote, a, the closing quote, the line break; x and its comma; -, 5, line break.
      expect(take).toHaveBeenCalledTimes(11);
    } finally {
      take.mockRestore();
    }
  });

  it('finds what reading every character finds, in 5,000 made-up files', () => {
    // Signs, quotes, separators, line breaks, blanks and invisible characters, letters, digits, a pair.
    const alphabet = [
      '=',
      '+',
      '-',
      '@',
      '\uff1d',
      '"',
      ',',
      ';',
      '\t',
      '\r',
      '\n',
      ' ',
      '\ufeff',
      'a',
      '1',
      '.',
      '%',
      '😀',
      '\ud83d',
    ];
    let seed = 20261206;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const readings = [
      {},
      { quoteAfterBlanks: true },
      { separator: ';' },
      { separator: '\ud83d' },
      { separator: '\t', quoteAfterBlanks: true },
    ];
    for (let file = 0; file < 5_000; file++) {
      const text = Array.from({ length: 1 + random(40) }, () => alphabet[random(alphabet.length)]).join('');
      const cut = random(text.length + 1);
      const pieces = [text.slice(0, cut), text.slice(cut)];
      for (const reading of readings)
        expect([text, reading, passingOver(reading, pieces)]).toEqual([
          text,
          reading,
          everyCharacter(reading, pieces),
        ]);
    }
  });
});
