import { isSignedFigure, runsAsSpreadsheetFormula } from './spreadsheet-formula.js';

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
    ['\u22121'],
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
  ])('takes %j for no formula', (cell) => {
    expect(runsAsSpreadsheetFormula(cell)).toBe(false);
  });

  it('takes a figure only with an ASCII sign', () => {
    expect(isSignedFigure('\uff0d5')).toBe(false);
    expect(isSignedFigure('\u22125')).toBe(false);
    expect(isSignedFigure('-5')).toBe(true);
  });
});
