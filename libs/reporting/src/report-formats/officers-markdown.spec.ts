import JSZip from 'jszip';
import { renderNarrative } from '../../../returns/src/index.js';
import { buildCycleReport } from '../cycle-report/cycle-report.js';
import { approved, reportInput } from '../testing/report-fixture.js';
import { narrativeChunks } from './narrative-chunks.js';
import { narrativeText } from './narrative-text.js';
import { renderReportDocx } from './report-docx.js';
import { renderReportHtml } from './report-html.js';

/**
 * A narrative pasted from Word: a paragraph indented four spaces (and one by a tab), a line of dashes typed
 * under a line of text to set it off, and lines fenced by ``` (as a chat or a wiki taught). The page, the PDF, the Word report and the spreadsheet all keep the
 * paragraphs and the dashes, with the indents gone; nothing typed becomes markup.
 */
const narrative = [
  'Most actions were achieved this year.',
  '',
  '    The survey was repeated in March, and 80% of residents said they',
  '    felt safe <b>after dark</b>.',
  '',
  '\tThe rest follows next year.',
  '',
  'Next steps',
  '---',
  'Recruit two wardens.',
  '',
  'Funding',
  '===',
  'Agreed until 2022.',
  '',
  '```',
  '  Ward A: 12',
  'Ward B: 9',
  '```',
].join('\n');

describe('a narrative as an officer writes it, in every format', () => {
  it('is paragraphs on the page and in the PDF, the dashes kept and the markup escaped', () => {
    expect(renderNarrative(narrative)).toBe(
      [
        '<p>Most actions were achieved this year.</p>',
        '<p>The survey was repeated in March, and 80% of residents said they<br />felt safe &lt;b&gt;after dark&lt;/b&gt;.</p>',
        '<p>The rest follows next year.</p>',
        '<p>Next steps</p>',
        '<p>---</p>',
        '<p>Recruit two wardens.</p>',
        '<p>Funding<br />===<br />Agreed until 2022.</p>',
        '<p>Ward A: 12<br />Ward B: 9</p>',
      ].join('\n'),
    );
    // The PDF prints a long narrative in pieces cut between its paragraphs: together they print the same.
    const long = `${narrative}\n\n${Array(140).fill('More words.').join(' ')}`;
    const pieces = narrativeChunks(long, 200);
    expect(pieces.length).toBeGreaterThan(2);
    expect(pieces.map(renderNarrative).join('\n')).toBe(renderNarrative(long));
  });

  it('is the same paragraphs in the spreadsheet’s text', () => {
    expect(narrativeText(narrative)).toBe(
      [
        'Most actions were achieved this year.',
        '',
        'The survey was repeated in March, and 80% of residents said they\nfelt safe <b>after dark</b>.',
        '',
        'The rest follows next year.',
        '',
        'Next steps',
        '',
        '---',
        '',
        'Recruit two wardens.',
        '',
        'Funding\n===\nAgreed until 2022.',
        '',
        'Ward A: 12\nWard B: 9',
      ].join('\n'),
    );
  });

  it('is the same paragraphs in the Word report, none indented by spaces', async () => {
    const report = buildCycleReport(
      reportInput({
        returns: [approved('S1', 'safe', 'csp', { rag: 'green', narrative, dot: 'improving' })],
      }),
    );
    const zip = await JSZip.loadAsync(await renderReportDocx(report));
    const xml = await zip.file('word/document.xml')!.async('string');
    const texts = [...xml.matchAll(/<w:p(?: [^>]*)?>([\s\S]*?)<\/w:p>/g)].map((p) =>
      [...p[1].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)].map((t) => t[1] ?? '\n').join(''),
    );
    const first = texts.indexOf('Most actions were achieved this year.');
    expect(texts.slice(first, first + 8)).toEqual([
      'Most actions were achieved this year.',
      'The survey was repeated in March, and 80% of residents said they\nfelt safe &lt;b&gt;after dark&lt;/b&gt;.',
      'The rest follows next year.',
      'Next steps',
      '---',
      'Recruit two wardens.',
      'Funding\n===\nAgreed until 2022.',
      'Ward A: 12\nWard B: 9',
    ]);
    // The HTML report (the PDF's source) has them too.
    expect(renderReportHtml(report)).toContain('<p>Next steps</p>\n<p>---</p>');
  });
});
