import { renderNarrative } from '../../../returns/src/index.js';
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
 * shared machine; the four readings took about 10 s before, tens of milliseconds now.
 */
describe('a narrative of emphasis signs between letters, in every format', () => {
  it.each([
    ['_a', '_a'.repeat(25_000)],
    ['-_', '-_'.repeat(25_000)],
  ])('is read in bounded time (%s)', (_, text) => {
    msToRead(text.slice(0, 2_000));
    expect(msToRead(text)).toBeLessThan(2_500);
  });

  it('still links a bare email address, in the page and the spreadsheet', () => {
    const text = 'Write to priya.shah@kent.gov.uk or _see_ the plan.';
    expect(renderNarrative(text)).toBe(
      '<p>Write to <a href="mailto:priya.shah@kent.gov.uk" rel="noopener noreferrer">priya.shah@kent.gov.uk</a> or <em>see</em> the plan.</p>',
    );
    expect(narrativeText(text)).toBe(
      'Write to priya.shah@kent.gov.uk (mailto:priya.shah@kent.gov.uk) or see the plan.',
    );
  });
});
