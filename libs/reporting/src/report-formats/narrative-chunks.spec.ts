import { renderNarrative } from '../../../returns/src/index.js';
import { narrativeChunks } from './narrative-chunks.js';

const paragraph = (n: number) => `Paragraph ${n} ${'words '.repeat(30).trim()}.`;

describe('narrativeChunks: a long narrative in pieces for print', () => {
  it('given a short narrative, when cut, then it is one piece as typed', () => {
    const narrative = `${paragraph(1)}\n\n- a\n- b`;
    expect(narrativeChunks(narrative, 1000)).toEqual([narrative]);
  });

  it('given paragraphs, when cut, then each piece holds whole paragraphs in order, none longer than asked', () => {
    const narrative = [1, 2, 3, 4, 5].map(paragraph).join('\n\n');
    const chunks = narrativeChunks(narrative, 400);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.length).toBeLessThanOrEqual(400);
    expect(chunks.join('\n\n')).toBe(narrative);
  });

  it('given a long list, when cut between its items, then each piece is a list and the items keep their order and nesting', () => {
    const items = Array.from(
      { length: 12 },
      (_, i) => `- item ${i + 1} ${'x'.repeat(40)}\n  - under ${i + 1}`,
    );
    const chunks = narrativeChunks(`Intro.\n\n${items.join('\n')}`, 300);
    expect(chunks.length).toBeGreaterThan(2);
    const html = chunks.map(renderNarrative).join('\n');
    expect(html.match(/<li>item \d+/g)).toEqual(items.map((_, i) => `<li>item ${i + 1}`));
    expect(html.match(/<li>under \d+<\/li>/g)).toHaveLength(12);
    // Items of one piece stay one tight list: no paragraphs inside them.
    expect(html).not.toMatch(/<li>\s*<p>/);
  });

  it('given a numbered list, when cut, then it stays whole so that its numbers run on', () => {
    const items = Array.from({ length: 6 }, (_, i) => `${i + 1}. step ${'y'.repeat(60)}`).join('\n');
    expect(narrativeChunks(`Intro.\n\n${items}\n\nAfter.`, 200)).toEqual(['Intro.', items, 'After.']);
  });

  it('given one block longer than a piece, when cut, then it stays whole', () => {
    const long = paragraph(1).repeat(10);
    expect(narrativeChunks(`${long}\n\nshort`, 100)).toEqual([long, 'short']);
  });
});

/**
 * A probe's finding: each PDF of a report cut every long narrative into printed pieces by lexing it whole, twice
 * (the first print tells the pages), on every request: for a 50,000-character narrative of emphasis, most of the
 * cost of rendering it, the api's thread held. The pieces are kept now: twenty more PDFs cost less than three
 * first cuts, measured in the same run so a slow machine slows both.
 */
describe('a long narrative printed again and again', () => {
  it('is cut once, into the same pieces', () => {
    const text = Array.from({ length: 2_000 }, (_, i) => `_${i}_ *b*${i % 7 ? ' ' : '\n\n'}`).join('');
    let start = performance.now();
    const pieces = narrativeChunks(text);
    const once = performance.now() - start;
    expect(pieces.length).toBeGreaterThan(5);
    start = performance.now();
    for (let pdf = 0; pdf < 20; pdf++) expect(narrativeChunks(text)).toEqual(pieces);
    expect(performance.now() - start).toBeLessThan(3 * once);
  });
});
