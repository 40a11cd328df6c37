import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { buildCycleReport, restrictToAgency } from '../cycle-report/cycle-report.js';
import { toPublishedReport } from '../cycle-report/published-cycle-report.js';
import { ReportedEvidence } from '../cycle-report/report-input.js';
import { approved, awaiting, reportInput } from '../testing/report-fixture.js';
import { renderReportDocx } from './report-docx.js';
import { renderReportHtml } from './report-html.js';
import { writeReportXlsx } from './report-xlsx.js';

const file = (
  returnId: string,
  evidenceId: string,
  title: string,
  inReport: boolean,
  extra: Partial<ReportedEvidence> = {},
): ReportedEvidence => ({
  returnId,
  evidenceId,
  measureRef: returnId.slice(3),
  agencyId: 'csp',
  title,
  mediaType: 'application/pdf',
  extension: 'pdf',
  bytes: 2_100_000,
  inReport,
  ...extra,
});

/** S1 approved with two files chosen and one not; S3 (another agency) awaiting, its file never printed. */
const input = () =>
  reportInput({
    returns: [
      approved('S1', 'safe', 'csp', { rag: 'green', narrative: 'On target.', comments: 'Steady.' }),
      approved('S2', 'safe', 'csp', { rag: 'amber', narrative: 'Slower.' }),
      awaiting('S3', 'safe', 'sdc'),
    ],
    evidence: [
      file('y1.S1', 'e1', 'Action plan monitoring sheet', true, { extension: 'xlsx', mediaType: 'text/csv' }),
      file('y1.S1', 'e2', 'Draft notes', false),
      file('y1.S1', 'e3', 'Survey <results> & more', true),
      file('y1.S3', 'e1', 'Housing survey', true, { agencyId: 'sdc', bytes: 340_000 }),
    ],
  });

async function workbook(report: Parameters<typeof writeReportXlsx>[0]) {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeReportXlsx(report, output);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return book;
}

describe('evidence in the report: by title only, where the coordinator chose', () => {
  it('lists the chosen titles under the measure’s approved return, in the order attached', () => {
    const report = buildCycleReport(input());
    const [s1, s2] = report.themes[0].measures;
    expect(s1.evidence).toEqual(['Action plan monitoring sheet', 'Survey <results> & more']);
    // A measure with none chosen keeps its shape, as in every report made before files existed.
    expect('evidence' in s2).toBe(false);
    expect(toPublishedReport(report, { lastUpdatedDates: false }).themes[0].measures[0].evidence).toEqual(
      s1.evidence,
    );
  });

  it('prints "Evidence: <title>, <title>" in the HTML, escaped, never a link or a file name', () => {
    const html = renderReportHtml(buildCycleReport(input()));
    const row = html.slice(html.indexOf('id="measure-S1"'), html.indexOf('id="measure-S2"'));
    expect(row).toContain(
      '<p class="evidence">Evidence: Action plan monitoring sheet, Survey &lt;results&gt; &amp; more</p>',
    );
    expect(row).not.toContain('Draft notes');
    expect(html).not.toContain('Housing survey');
    expect(html).not.toMatch(/\/evidence\/e\d|\.pdf/);
  });

  it('prints the same line in the DOCX', async () => {
    const docx = await renderReportDocx(buildCycleReport(input()));
    const xml = await (await JSZip.loadAsync(docx)).file('word/document.xml')!.async('string');
    expect(xml).toContain('Evidence: Action plan monitoring sheet, Survey &lt;results&gt; &amp; more');
    expect(xml).not.toContain('Draft notes');
  });

  it('lists every file in the XLSX “Evidence” sheet: agency, measure, title, type, size, in report', async () => {
    const book = await workbook(buildCycleReport(input()));
    const rows: unknown[][] = [];
    book.getWorksheet('Evidence')!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows).toEqual([
      ['Agency', 'Measure', 'Title', 'Type', 'Size', 'In report'],
      [
        'Community Safety Partnership',
        'S1',
        'Action plan monitoring sheet',
        'CSV spreadsheet',
        '2.1 MB',
        'Yes',
      ],
      ['Community Safety Partnership', 'S1', 'Draft notes', 'PDF', '2.1 MB', 'No'],
      ['Community Safety Partnership', 'S1', 'Survey <results> & more', 'PDF', '2.1 MB', 'Yes'],
      ['Sevenoaks District Council', 'S3', 'Housing survey', 'PDF', '340 KB', 'Yes'],
    ]);
  });

  it('writes an XLSX that opens when stored text holds what XML cannot carry (U+FFFF, control characters)', async () => {
    const odd = input();
    odd.evidence![0] = { ...odd.evidence![0], title: 'Lead file \uffff' };
    odd.returns[0] = approved('S1', 'safe', 'csp', { rag: 'green', narrative: 'On\u0001 target\ufffe.' });
    const report = buildCycleReport(odd);
    const book = await workbook({ ...report, title: `${report.title}\uffff` });
    const titles: unknown[] = [];
    book.getWorksheet('Evidence')!.eachRow((row) => titles.push(row.getCell(3).value));
    expect(titles).toContain('Lead file ');
    const narratives: unknown[] = [];
    book.getWorksheet('Measures')!.eachRow((row) => narratives.push(...(row.values as unknown[])));
    expect(narratives).toContain('On target.');
    expect(book.title).toBe(report.title);
  });

  it('leaves a withdrawn return’s files out, and an agency’s view holds only its own', () => {
    const withdrawn = input();
    withdrawn.returns = withdrawn.returns.map((r) => (r.measureRef === 'S3' ? { ...r, withdrawn: true } : r));
    expect(buildCycleReport(withdrawn).evidenceFiles!.map((f) => f.title)).not.toContain('Housing survey');
    const mine = restrictToAgency(buildCycleReport(input()), 'sdc');
    expect(mine.evidenceFiles!.map((f) => f.title)).toEqual(['Housing survey']);
    expect('evidenceFiles' in buildCycleReport(reportInput())).toBe(false);
  });
});
