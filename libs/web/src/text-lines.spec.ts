import { textLines } from './text-lines.js';

describe('textLines: a typed text as the lines typed', () => {
  it('splits on the line endings of a web form and of the API alike', () => {
    expect(textLines('Add the baseline.\r\nAnd name the schemes.')).toEqual([
      'Add the baseline.',
      'And name the schemes.',
    ]);
    expect(textLines('One\nTwo\rThree')).toEqual(['One', 'Two', 'Three']);
  });

  it('keeps one blank line between paragraphs, none at either end', () => {
    expect(textLines('\r\n\r\nFirst.\r\n\r\n\r\n  \r\nSecond.\r\n\r\n')).toEqual(['First.', '', 'Second.']);
  });

  it('gives nothing for nothing', () => {
    expect(textLines(undefined)).toEqual([]);
    expect(textLines(' \n ')).toEqual([]);
  });
});
