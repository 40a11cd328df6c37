import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { renderNarrative } from '../../../returns/src/index.js';
import { buildCycleReport } from '../cycle-report/cycle-report.js';
import { approved, reportInput } from '../testing/report-fixture.js';
import { narrativeChunks } from './narrative-chunks.js';
import { narrativeText } from './narrative-text.js';
import { renderReportCsv } from './report-csv.js';
import { renderReportDocx } from './report-docx.js';
import { renderReportHtml } from './report-html.js';
import { writeReportXlsx } from './report-xlsx.js';

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

/** Each paragraph of the Word report's document: its text, and whether any of it is bold. */
async function docxParagraphs(docx: Buffer): Promise<{ text: string; bold: boolean }[]> {
  const xml = await (await JSZip.loadAsync(docx)).file('word/document.xml')!.async('string');
  return [...xml.matchAll(/<w:p(?: [^>]*)?>([\s\S]*?)<\/w:p>/g)].map((p) => ({
    text: [...p[1].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)].map((t) => t[1] ?? '\n').join(''),
    bold: /<w:b\/>/.test(p[1]),
  }));
}

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

/**
 * "#" typed for "number": "# of referrals: 12" was read as a heading, and every format dropped the "#"
 * ("of referrals: 12"; bold in the Word report). Each line is printed as typed, in its paragraph or list item;
 * a case study's section body is read the same way.
 */
describe('a line starting with # as an officer means it, in every format', () => {
  const narrative = [
    'Referrals this year:',
    '# of referrals: 12',
    '## 2 of them repeat',
    '',
    '#1 priority: housing',
    '',
    '- Closed',
    '  # of families: 4',
  ].join('\n');
  const body = '# of families supported: 9';
  const report = buildCycleReport(
    reportInput({
      returns: [
        approved('S1', 'safe', 'csp', {
          rag: 'green',
          narrative,
          dot: 'improving',
          caseStudies: [{ title: 'Families', agency: 'SDC', sections: [{ heading: 'Outcome', body }] }],
        }),
      ],
    }),
  );

  it('keeps the # on the page and in the PDF, as lines of their paragraph', () => {
    const html = [
      '<p>Referrals this year:<br /># of referrals: 12<br />## 2 of them repeat</p>',
      '<p>#1 priority: housing</p>',
      '<ul>\n<li>Closed<br /># of families: 4</li>\n</ul>',
    ].join('\n');
    expect(renderNarrative(narrative)).toBe(html);
    expect(renderNarrative(body)).toBe('<p># of families supported: 9</p>');
    const page = renderReportHtml(report);
    expect(page).toContain('# of referrals: 12<br />## 2 of them repeat');
    expect(page).toContain('<p># of families supported: 9</p>');
    // The PDF prints a long narrative in pieces: together they print the same.
    const long = `${narrative}\n\n${Array(140).fill('More words.').join(' ')}\n# of visits: 3`;
    expect(narrativeChunks(long, 100).map(renderNarrative).join('\n')).toBe(renderNarrative(long));
  });

  it('keeps the # in the spreadsheet and the CSV', async () => {
    const text = [
      'Referrals this year:\n# of referrals: 12\n## 2 of them repeat',
      '#1 priority: housing',
      '• Closed\n  # of families: 4',
    ].join('\n\n');
    expect(narrativeText(narrative)).toBe(text);
    const [header, row] = parse(renderReportCsv(report), { bom: true }) as string[][];
    expect(row[header.indexOf('Progress')]).toBe(text);
    const [studyHeader, study] = parse(renderReportCsv(report, 'case-studies'), { bom: true }) as string[][];
    expect(study[studyHeader.indexOf('Text')]).toBe(body);

    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    await writeReportXlsx(report, output);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const cells = (sheet: string) =>
      book
        .getWorksheet(sheet)!
        .getSheetValues()
        .flat()
        .map((v) => String(v ?? ''));
    expect(cells('Measures')).toContain(text);
    expect(cells('Case studies')).toContain(body);
  });

  it('keeps the # in the Word report, as plain text', async () => {
    const paragraphs = await docxParagraphs(await renderReportDocx(report));
    const at = (start: string) => paragraphs.find((p) => p.text.startsWith(start));
    expect(at('Referrals this year:')).toEqual({
      text: 'Referrals this year:\n# of referrals: 12\n## 2 of them repeat',
      bold: false,
    });
    expect(at('#1 priority')).toEqual({ text: '#1 priority: housing', bold: false });
    expect(at('Closed')).toEqual({ text: 'Closed\n# of families: 4', bold: false });
    expect(at('# of families supported')).toEqual({ text: body, bold: false });
  });
});
