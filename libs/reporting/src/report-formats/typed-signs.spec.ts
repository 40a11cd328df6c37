import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { renderNarrative } from '../../../returns/src/index.js';
import { buildCycleReport } from '../cycle-report/cycle-report.js';
import { approved, reportInput } from '../testing/report-fixture.js';
import { narrativeText } from './narrative-text.js';
import { renderReportCsv } from './report-csv.js';
import { renderReportDocx } from './report-docx.js';
import { renderReportHtml } from './report-html.js';
import { writeReportXlsx } from './report-xlsx.js';

/**
 * Signs officers type that Markdown read as something else, and that the formats read differently: a star
 * between figures (arithmetic, a footnote), a task list's box, and an HTML entity typed as text. Each is read
 * once, when the narrative is read (OFFICERS_MARKDOWN), so the page, the PDF, the Word report, the spreadsheet
 * and the CSV print the same characters.
 */
function reportWith(narrative: string, body = narrative) {
  return buildCycleReport(
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
}

/** Each paragraph of the Word report's document: its text (XML's escapes undone), and whether any is italic. */
async function docxParagraphs(docx: Buffer): Promise<{ text: string; italic: boolean }[]> {
  const xml = await (await JSZip.loadAsync(docx)).file('word/document.xml')!.async('string');
  const unescape = (text: string) =>
    text.replace(
      /&(amp|lt|gt|quot|apos);/g,
      (_, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" })[e]!,
    );
  return [...xml.matchAll(/<w:p(?: [^>]*)?>([\s\S]*?)<\/w:p>/g)].map((p) => ({
    text: unescape(
      [...p[1].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>|<w:br\/>/g)].map((t) => t[1] ?? '\n').join(''),
    ),
    italic: /<w:i\/>/.test(p[1]),
  }));
}

/** The Measures and Case studies sheets' cells, as text. */
async function xlsxCells(report: ReturnType<typeof reportWith>): Promise<string[]> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeReportXlsx(report, output);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return ['Measures', 'Case studies'].flatMap((sheet) =>
    book
      .getWorksheet(sheet)!
      .getSheetValues()
      .flat()
      .map((v) => String(v ?? '')),
  );
}

/** The measure's Progress cell and the case study's Text cell in the CSV. */
function csvCells(report: ReturnType<typeof reportWith>): string[] {
  const [header, row] = parse(renderReportCsv(report), { bom: true }) as string[][];
  const [studyHeader, study] = parse(renderReportCsv(report, 'case-studies'), { bom: true }) as string[][];
  return [row[header.indexOf('Progress')], study[studyHeader.indexOf('Text')]];
}

/** Visible text of an HTML fragment: tags gone, the escapes a browser reads undone. */
const visible = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_, e: string) =>
      e === 'nbsp' ? '\u00a0' : { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" }[e]!,
    );

describe('a star between figures or letters, as typed', () => {
  const narrative =
    'Cost 2*3*4 = 24 units, Total*s and a**b**c; *planned* and **done** still read as emphasis.';
  const typed = 'Cost 2*3*4 = 24 units, Total*s and a**b**c; planned and done still read as emphasis.';
  const report = reportWith(narrative);

  it('is printed on the page and in the PDF, nothing in italics but what was meant', () => {
    expect(renderNarrative(narrative)).toBe(
      '<p>Cost 2*3*4 = 24 units, Total*s and a**b**c; <em>planned</em> and <strong>done</strong> still read as emphasis.</p>',
    );
    expect(renderReportHtml(report)).toContain('Cost 2*3*4 = 24 units, Total*s and a**b**c;');
  });

  it('is printed in the spreadsheet and the CSV', async () => {
    expect(narrativeText(narrative)).toBe(typed);
    expect(csvCells(report)).toEqual([typed, typed]);
    expect(await xlsxCells(report)).toEqual(expect.arrayContaining([typed]));
  });

  it('is printed in the Word report, the 3 not in italics', async () => {
    const paragraphs = await docxParagraphs(await renderReportDocx(report));
    const cost = paragraphs.filter((p) => p.text.startsWith('Cost 2*3*4'));
    expect(cost).toHaveLength(2);
    for (const p of cost) expect(p.text).toBe(typed);
    // "planned" is italic as typed: the paragraph has italics, but "3" is not among them.
    const xml = await (
      await JSZip.loadAsync(await renderReportDocx(report))
    )
      .file('word/document.xml')!
      .async('string');
    expect(xml).not.toMatch(/<w:i\/>(?:(?!<\/w:r>)[\s\S])*<w:t(?: [^>]*)?>3<\/w:t>/);
  });
});

describe('a task list, its box shown', () => {
  const narrative = [
    'Actions:',
    '',
    '- [ ] Recruit two wardens',
    '- [x] Agree funding',
    '  - [X] Sign the grant',
  ].join('\n');
  const text = 'Actions:\n\n• ☐ Recruit two wardens\n• ☑ Agree funding\n  • ☑ Sign the grant';
  const report = reportWith(narrative);

  it('shows a box or a tick on the page and in the PDF, where the checkbox was dropped', () => {
    expect(renderNarrative(narrative)).toBe(
      [
        '<p>Actions:</p>',
        '<ul>',
        '<li>☐ Recruit two wardens</li>',
        '<li>☑ Agree funding<ul>',
        '<li>☑ Sign the grant</li>',
        '</ul>',
        '</li>',
        '</ul>',
      ].join('\n'),
    );
    // A loose list (items apart by a blank line) too.
    expect(renderNarrative('- [ ] One\n\n- [x] Two')).toBe(
      '<ul>\n<li><p>☐ One</p>\n</li>\n<li><p>☑ Two</p>\n</li>\n</ul>',
    );
    expect(renderReportHtml(report)).toContain('<li>☐ Recruit two wardens</li>');
  });

  it('shows them in the spreadsheet and the CSV', async () => {
    expect(narrativeText(narrative)).toBe(text);
    expect(narrativeText('- [ ] One\n\n- [x] Two')).toBe('• ☐ One\n• ☑ Two');
    expect(csvCells(report)).toEqual([text, text]);
    expect(await xlsxCells(report)).toEqual(expect.arrayContaining([text]));
  });

  it('shows them in the Word report, in its list items', async () => {
    const texts = (await docxParagraphs(await renderReportDocx(report))).map((p) => p.text);
    const first = texts.indexOf('☐ Recruit two wardens');
    expect(first).toBeGreaterThan(-1);
    expect(texts.slice(first, first + 3)).toEqual([
      '☐ Recruit two wardens',
      '☑ Agree funding',
      '☑ Sign the grant',
    ]);
    // The case study's section body, too.
    expect(texts.filter((t) => t === '☐ Recruit two wardens')).toHaveLength(2);
  });
});

/**
 * An entity typed as text is the character it names, as the browser showed it on the page: the Word report and
 * the spreadsheet printed "&pound;". `&amp;pound;` is "&pound;" as typed, a code span is printed as typed, an
 * entity HTML does not know stays, and one naming a character no format can carry stays as typed.
 */
describe('an HTML entity typed as text', () => {
  const narrative =
    'Grants of &pound;758,817.95 &amp; 12&nbsp;cleans; &#163;4 &ndash; `&amp;` &amp;pound; &pond; &#1; AT&T';
  const text = 'Grants of £758,817.95 & 12\u00a0cleans; £4 – &amp; &pound; &pond; &#1; AT&T';
  const report = reportWith(narrative);

  it('is its character on the page and in the PDF', () => {
    expect(visible(renderNarrative(narrative))).toBe(text);
    expect(visible(renderReportHtml(report))).toContain(text);
  });

  it('is its character in the spreadsheet and the CSV', async () => {
    expect(narrativeText(narrative)).toBe(text);
    expect(csvCells(report)).toEqual([text, text]);
    expect(await xlsxCells(report)).toEqual(expect.arrayContaining([text]));
  });

  it('is its character in the Word report', async () => {
    const texts = (await docxParagraphs(await renderReportDocx(report))).map((p) => p.text);
    expect(texts.filter((t) => t === text)).toHaveLength(2);
  });
});

/**
 * A link's address after its words, as the page prints it on paper: a mail address typed bare was printed
 * "info@sevenoaks.gov.uk (mailto:info@sevenoaks.gov.uk)" in the Word report and the spreadsheet, and a link's
 * address with an entity in it ("&amp;") was printed with the entity.
 */
describe('a link’s address, printed after its words', () => {
  const narrative =
    'Contact info@sevenoaks.gov.uk, [email us](mailto:csu@sevenoaks.gov.uk) or [the plan](https://x.org/?a=1&amp;b=2)';
  const text =
    'Contact info@sevenoaks.gov.uk, email us (csu@sevenoaks.gov.uk) or the plan (https://x.org/?a=1&b=2)';
  const report = reportWith(narrative);

  it('is the address alone, once, on the printed page', () => {
    expect(visible(renderReportHtml(report))).toContain(text);
  });

  it('is the same in the spreadsheet and the CSV', async () => {
    expect(narrativeText(narrative)).toBe(text);
    expect(csvCells(report)).toEqual([text, text]);
    expect(await xlsxCells(report)).toEqual(expect.arrayContaining([text]));
  });

  it('is the same in the Word report', async () => {
    const texts = (await docxParagraphs(await renderReportDocx(report))).map((p) => p.text);
    expect(texts.filter((t) => t === text)).toHaveLength(2);
  });
});

/**
 * A direction override or embedding typed in a link's words, or before them, runs on in a spreadsheet's cell over
 * the address printed after the link, so that an address written backwards reads as the council's own: the CSV
 * and the spreadsheet leave them out, as the Word report does. Isolates too, as Word leaves them out.
 */
describe('a direction override in a link’s words', () => {
  const spoof = 'https://evil.example/ku.vog.skaoneves.www//:sptth';

  it.each([
    ['in the link’s words', `See [the plan\u202e](${spoof}) today.`],
    ['before the link', `See \u202ethe [plan](${spoof}) today.`],
    ['nested in the words', `See [\u202dthe \u202eplan\u202c](${spoof}) today.`],
    ['isolated in the words', `See [\u2067the plan\u2069](${spoof}) \u2066today.`],
    ['embedded in the words', `See [the \u202bplan\u202a](${spoof}) today.`],
  ])('is left out of the spreadsheet and the CSV, %s', async (_where, narrative) => {
    const text = `See the plan (${spoof}) today.`;
    const report = reportWith(narrative);
    expect(csvCells(report)).toEqual([text, text]);
    const cells = await xlsxCells(report);
    expect(cells).toEqual(expect.arrayContaining([text]));
    expect(cells).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/[\u202a-\u202e\u2066-\u2069]/)]),
    );
  });

  it('is left out of every part of the CSV, a cell that was a formula behind it still guarded', () => {
    const report = reportWith(`\u202e=HYPERLINK("${spoof}") [the plan\u202e](${spoof})`);
    for (const part of ['measures', 'summary', 'tables', 'indicators', 'appendices', 'case-studies'] as const)
      expect(renderReportCsv(report, part)).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    expect(csvCells(report)).toEqual([
      `'=HYPERLINK("${spoof}") the plan (${spoof})`,
      `'=HYPERLINK("${spoof}") the plan (${spoof})`,
    ]);
  });
});
