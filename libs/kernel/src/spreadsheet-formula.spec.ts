import {
  continuesDashedNote,
  isDashedNote,
  isSignedFigure,
  runsAsSpreadsheetFormula,
} from './spreadsheet-formula.js';

describe('runsAsSpreadsheetFormula', () => {
  it.each([
    ['=1+1'],
    ['@SUM(A1)'],
    ['+cmd'],
    ['-2+3'],
    [' =1+1'],
    ['\t=1+1'],
    ['\n=1+1'],
    ['\r\n=1+1'],
    ['\ufeff=1+1'],
    ['\u200b=1'],
    ['\u00a0@SUM(A1)'],
    ['\uff1d1+1'],
    ['\uff0b1'],
    ['\uff0d1'],
    ['\uff20SUM(A1)'],
    ['\ufe66cmd'],
    ['\u22121+1'],
    ['\u2212cmd'],
    ['\u22121.6% '],
    ['-1.6% '],
    ['-1.6%+1'],
    ['- 5 '],
    ['+5e3'],
  ])('takes %j for a formula', (cell) => {
    expect(runsAsSpreadsheetFormula(cell)).toBe(true);
  });

  it.each([
    ['plain words'],
    ['  indented words'],
    ['x = y'],
    [''],
    ['1,930'],
    ['-5'],
    ['+2.5%'],
    ['-1,200'],
    ['-1,200.5'],
    ['-.5'],
    ['- 2'],
    [' -0.3'],
    ['\t+15%'],
    ['\ufeff-5'],
    ['\u22121.6%'],
    ['\u221212'],
    ['\u22121,234.5'],
  ])('takes %j for no formula', (cell) => {
    expect(runsAsSpreadsheetFormula(cell)).toBe(false);
  });

  // The minus sign (U+2212) is the one a council's Word document puts in a figure ("−1.6%"). It stays a formula's
  // sign for what follows it ("−1+1"), but a figure alone after it runs nothing, as one after "-" does not: it
  // was taken for a formula here, and the report's CSV put an apostrophe before "−1.6%" and not before "-1.6%".
  // The full-width and small minus, which no one types in a figure, stay a formula's sign whatever follows.
  it('takes a figure with an ASCII sign or the minus sign, not the full-width one', () => {
    expect(isSignedFigure('-5')).toBe(true);
    expect(isSignedFigure('\u22125')).toBe(true);
    expect(isSignedFigure('\u2212 5')).toBe(true);
    expect(isSignedFigure('\uff0d5')).toBe(false);
    expect(isSignedFigure('\ufe635')).toBe(false);
  });
});

describe('isDashedNote: words after a minus, which run nothing in any spreadsheet', () => {
  it.each([
    ['- see notes'],
    ['-5% on last year'],
    ['-ve trend'],
    ['-see notes'],
    ['- 3 fewer than forecast, as expected'],
    ['- très bien'],
    ['- the council’s figure'],
    ['-A1'],
    [' - see notes'],
    ['\ufeff- see notes'],
  ])('takes %j for a dashed note', (cell) => {
    expect(isDashedNote(cell)).toBe(true);
  });

  it.each([
    // Something that calls, reaches or reckons: a function, DDE, another file, a string, another sign.
    ['-1+1'],
    ['-SUM(A1)'],
    ['- see notes (below)'],
    ["-cmd|' /C calc'!A0"],
    ['- see Sheet2!A1'],
    ["- see 'notes'"],
    ['- see [notes]'],
    ['- see #notes'],
    ['- see "notes"'],
    ['- see notes & more'],
    ['- see notes = more'],
    ['- see notes; more'],
    ['- see notes: more'],
    ['- see notes/more'],
    ['- see @notes'],
    ['-- see notes'],
    // Only a hyphen-minus, then a space, letter or digit; only the plain space between words.
    ['\u2212 see notes'],
    ['\uff0d see notes'],
    ['+ see notes'],
    ['= see notes'],
    ['@ see notes'],
    ['-.5 on last year'],
    ['-\tsee notes'],
    ['- see\tnotes'],
    ['- see\nnotes'],
    ['- see\u00a0notes'],
    ['- see\u200bnotes'],
    // No letter: a figure, judged as one (these run nothing, but are not a signed figure either).
    ['-1.6% '],
    ['- 5 '],
    ['-'],
    ['plain words'],
  ])('takes %j for no dashed note', (cell) => {
    expect(isDashedNote(cell)).toBe(false);
  });

  it('goes on only with the characters a note may hold', () => {
    expect([...'a é1 .,%’'].every(continuesDashedNote)).toBe(true);
    expect([...'()|!\'"[]#&=+-*/^<>;:@$\t\n\u00a0\u200b'].some(continuesDashedNote)).toBe(false);
  });

  it('leaves the report guard as it was: a dashed note is still guarded there', () => {
    expect(runsAsSpreadsheetFormula('- see notes')).toBe(true);
  });
});
