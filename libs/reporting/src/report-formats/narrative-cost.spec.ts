import { MARKDOWN_NESTING_LIMIT, renderNarrative } from '../../../returns/src/index.js';
import { narrativeChunks } from './narrative-chunks.js';
import { narrativeText } from './narrative-text.js';
import { markdown } from './report-docx.js';

/** Every reading of a narrative a report or a page makes: the page and PDF, the PDF's rows, the spreadsheet, Word. */
const READINGS: [string, (text: string) => unknown][] = [
  ['page', renderNarrative],
  ['printed rows', narrativeChunks],
  ['spreadsheet', narrativeText],
  ['Word', (text) => markdown(text)],
];

function msToRead(text: string): number {
  const start = performance.now();
  for (const [, read] of READINGS) read(text);
  return performance.now() - start;
}

/**
 * An attacker's probe: a narrative of 50,000 characters (the most a lead may send) of one letter and an emphasis
 * sign in turn held the api's one thread for 2 to 5 s in each format, every other request waiting: Marked's GFM
 * rules looked for a bare email address at every letter, to the end of the run. The loose bound is for a slow,
 * shared machine; the four readings took 9 s before, a few hundred milliseconds now.
 */
describe('a narrative of emphasis signs between letters, in every format', () => {
  it('is read in bounded time', () => {
    const text = '_a'.repeat(25_000);
    msToRead(text.slice(0, 2_000));
    expect(msToRead(text)).toBeLessThan(4_000);
  });

  it('still links a bare email address on the page, and prints it as the page does in the spreadsheet', () => {
    const text = 'Write to priya.shah@kent.gov.uk or _see_ the plan.';
    expect(renderNarrative(text)).toBe(
      '<p>Write to <a href="mailto:priya.shah@kent.gov.uk" rel="noopener noreferrer">priya.shah@kent.gov.uk</a> or <em>see</em> the plan.</p>',
    );
    expect(narrativeText(text)).toBe('Write to priya.shah@kent.gov.uk or see the plan.');
  });
});

/**
 * An attacker's probe: a narrative of list markers on one line, each opening a list inside the last, 25,000 deep,
 * took 2 s in each format before the parser's stack ran out and the text was shown as typed (about 8 s for the
 * four). More than MARKDOWN_NESTING_LIMIT on one line is now shown as typed without being parsed.
 */
describe('a narrative nested thousands deep on one line, in every format', () => {
  it.each([
    ['- ', '- '.repeat(24_999) + 'a'],
    ['* ', '* '.repeat(24_999) + 'a'],
  ])('is read in bounded time (%s)', (_, text) => {
    msToRead(text.slice(0, 2_000));
    expect(msToRead(text)).toBeLessThan(2_500);
  });

  it('is a list as deep as the limit, and the text as typed one deeper', () => {
    const nested = (depth: number) => `${'- '.repeat(depth)}a`;
    // (The sanitiser keeps the outer twenty levels' tags, counting each list and item.)
    expect(renderNarrative(nested(MARKDOWN_NESTING_LIMIT))).toMatch(/^<ul>\n<li><ul>/);
    expect(renderNarrative(nested(MARKDOWN_NESTING_LIMIT + 1))).toBe(
      `<p>${nested(MARKDOWN_NESTING_LIMIT + 1)}</p>`,
    );
    expect(narrativeText(nested(MARKDOWN_NESTING_LIMIT + 1))).toBe(nested(MARKDOWN_NESTING_LIMIT + 1));
  });
});

/**
 * An attacker's probe: Marked asks at every line break whether only white space follows, to the end of the text.
 * A paragraph of 25,000 lines of a no-break space (which the parser does not count as blank), or a fenced block of
 * 50,000 blank lines (read as one paragraph here), was read in time growing with its length squared: 1.5 to 2.6 s
 * a format. Lines of white space are blank lines now, and blank lines in a row in a fenced block one.
 */
describe('a narrative of lines of white space, in every format', () => {
  it.each([
    ['no-break spaces', `a\n${'\u00a0\n'.repeat(24_990)}b`],
    ['a fenced block', `\`\`\`\na${'\n'.repeat(49_980)}b\n\`\`\``],
  ])('is read in bounded time (%s)', (_, text) => {
    msToRead(text.slice(0, 2_000));
    expect(msToRead(text)).toBeLessThan(2_500);
  });

  it('shows a line of no-break spaces as a blank line, and blank lines in a fenced block as one', () => {
    expect(renderNarrative('First\n\u00a0\u00a0\nSecond')).toBe('<p>First</p>\n<p>Second</p>');
    expect(renderNarrative('```\nFirst\n\n\n\nSecond\n```')).toBe('<p>First<br /><br />Second</p>');
  });
});

/**
 * An attacker's probe: long runs of spaces. A line of a bullet Word draws and 49,999 spaces was read by
 * bulletsFromWord with two runs of spaces in a row in its pattern, and Marked's text rule looked at every space for
 * spaces then a line break, to the end of the run: time growing with the spaces squared (1.3 to 1.5 s for 20,000
 * to 40,000, in each format).
 */
describe('a narrative of long runs of spaces, in every format', () => {
  it.each([
    ['after a bullet', `•${' '.repeat(49_999)}`],
    ['between two words', `a${' '.repeat(49_998)}b`],
  ])('is read in bounded time (%s)', (_, text) => {
    msToRead(text.slice(0, 2_000));
    expect(msToRead(text)).toBeLessThan(2_500);
  });

  it('still reads a Word bullet as a list, and two spaces before a line end as a line break', () => {
    expect(renderNarrative('•\tFirst\no\tSecond')).toBe(
      '<ul>\n<li>First<ul>\n<li>Second</li>\n</ul>\n</li>\n</ul>',
    );
    expect(renderNarrative('First  \nSecond')).toBe('<p>First<br />Second</p>');
    // Spaces beyond the 64 looked through stay before the break, where no format shows them.
    expect(renderNarrative(`First${' '.repeat(100)}\nSecond`)).toMatch(/^<p>First {36}<br \/>Second<\/p>$/);
  });
});
