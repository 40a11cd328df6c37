import { seededWords } from '../../../../test/support/seeded-words.js';
import { renderNarrative } from './render-narrative.js';
import { forgetKeptReadings, remembered, textBytes } from './rendered-narratives.js';

/** A render that counts its calls, and its HTML as long as asked. */
function counted(htmlChars = 10) {
  const renders: string[] = [];
  const render = remembered(
    (text) => {
      renders.push(text);
      return `<p>${text}</p>`.padEnd(htmlChars, ' ');
    },
    1_200,
    textBytes,
  );
  return { render, renders };
}

describe('rendered narratives, kept', () => {
  it('renders a text once however often it is read, and gives the same HTML', () => {
    const { render, renders } = counted();
    expect([render('a'), render('a'), render('b'), render('a')]).toEqual([
      '<p>a</p>  ',
      '<p>a</p>  ',
      '<p>b</p>  ',
      '<p>a</p>  ',
    ]);
    expect(renders).toEqual(['a', 'b']);
  });

  it('forgets every reading it kept when a redaction asks, and reads a text again after', () => {
    const { render, renders } = counted();
    render('Sam Example was referred');
    expect(render.held()).toEqual(['<p>Sam Example was referred</p>']);
    forgetKeptReadings();
    expect(render.held()).toEqual([]);
    render('Sam Example was referred');
    expect(renders).toEqual(['Sam Example was referred', 'Sam Example was referred']);
  });

  it('keeps apart texts that differ only in a lone surrogate (UTF-8 writes each as U+FFFD)', () => {
    const { render, renders } = counted();
    expect(render('x\uD800')).not.toBe(render('x\uD801'));
    expect(renders).toHaveLength(2);
  });

  it('lets the least recently read go first once past its budget, and never keeps HTML over the budget', () => {
    // Each entry costs about 2 * (44 + 200) + 64 bytes: two fit in 1,200 bytes, three do not.
    const { render, renders } = counted(200);
    render('a');
    render('b');
    render('a');
    render('c');
    // b was the least recently read: it went; a and c stayed.
    render('a');
    render('c');
    render('b');
    expect(renders).toEqual(['a', 'b', 'c', 'b']);
    const big = counted(600);
    big.render('a');
    big.render('a');
    expect(big.renders).toEqual(['a', 'a']);
  });
});

/**
 * A probe's finding: a return of about 2 MB of Markdown (case studies' sections full of emphasis) was rendered
 * again on every view of the return page, the review page and the report, 0.6 s to 15 s of the api's one thread
 * each time (a loaded machine), every other request waiting. Measured against the first render of the same text
 * in the same run, so a slow machine slows both: twenty more views used to cost about twenty renders.
 */
describe('a long narrative read again and again', () => {
  it('costs about one render, not one a view', () => {
    const { words } = seededWords(5);
    const text = words('_1_ *b*', 20_000);
    let start = performance.now();
    const html = renderNarrative(text);
    const once = performance.now() - start;
    start = performance.now();
    for (let view = 0; view < 20; view++) expect(renderNarrative(text)).toBe(html);
    expect(performance.now() - start).toBeLessThan(3 * once);
  });
});
