import { typedFigure } from './typed-figure.js';

describe('a figure typed into a return table', () => {
  it.each([
    ['1,153', 1153, '#,##0'],
    ['32,240', 32240, '#,##0'],
    ['1,234,567.89', 1234567.89, '#,##0.00'],
    ['429', 429, '0'],
    ['32240', 32240, '0'],
    ['0', 0, '0'],
    ['2.0', 2, '0.0'],
    ['0.50', 0.5, '0.00'],
    ['-12', -12, '0'],
    ['-0.05', -0.05, '0.00'],
    ['3.6%', 0.036, '0.0%'],
    ['-1.6%', -0.016, '0.0%'],
    ['12%', 0.12, '0%'],
    ['1.1%', 0.011, '0.0%'],
    ['1,250.5%', 12.505, '#,##0.0%'],
    ['+2.1%', 0.021, '"+"0.0%;-0.0%;"+"0.0%'],
    ['+0', 0, '"+"0;-0;"+"0'],
    // The minus sign (U+2212) of a figure pasted from a Word document, shown as typed, not as a hyphen.
    ['\u22121.6%', -0.016, '0.0%;"\u2212"0.0%'],
    ['\u221212', -12, '0;"\u2212"0'],
    ['\u22121,200.50', -1200.5, '#,##0.00;"\u2212"#,##0.00'],
    // Direction isolates, embeddings, overrides and marks around a figure (pasted from a right-to-left
    // document): invisible, and left out before the figure is read, as the workbook leaves them out of its text.
    ['\u2066-1.6%\u2069', -0.016, '0.0%'],
    ['\u20681,930\u2069', 1930, '#,##0'],
    ['\u2067\u22121.6%\u2069', -0.016, '0.0%;"\u2212"0.0%'],
    ['\u202a429\u202c', 429, '0'],
    ['\u200e+2.1%', 0.021, '"+"0.0%;-0.0%;"+"0.0%'],
    ['\u200f12%\u200f', 0.12, '0%'],
  ])('reads %j as %d shown %j', (text, value, numFmt) => {
    expect(typedFigure(text)).toEqual({ value, numFmt });
  });

  it.each([
    ['words', 'Kent'],
    ['not applicable', 'n/a'],
    ['a range', '1-2'],
    ['a date', '31/01/2018'],
    ['a month', 'Jan 2018'],
    ['money', '£758,817.95'],
    ['a unit after a space', '3.6 %'],
    ['spaces around', ' 429 '],
    ['a code with a leading zero', '007'],
    ['commas not in threes', '1,15,3'],
    ['a comma after four digits', '1234,567'],
    ['no digit before the point', '.5'],
    ['no digit after the point', '5.'],
    ['an exponent', '1e5'],
    ['a negative zero, which Excel shows without its sign', '-0.0%'],
    ['a negative zero with the minus sign', '\u22120'],
    ['a space after the minus sign', '\u2212 5'],
    ['two signs', '\u2212-5'],
    ['an en dash for a minus', '\u20135'],
    ['more digits than Excel keeps', '1234567890.123456'],
    ['empty', ''],
    ['nothing but isolates', '\u2066\u2069'],
    ['words in isolates', '\u2066n/a\u2069'],
    ['a zero-width space in a figure, which is no direction control', '1\u200b930'],
  ])('leaves %s as text', (_, text) => {
    expect(typedFigure(text)).toBeNull();
  });
});
