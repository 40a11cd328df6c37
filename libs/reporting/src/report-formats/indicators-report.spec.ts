import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { Indicator } from '../../../plan/src/index.js';
import { buildCycleReport } from '../cycle-report/cycle-report.js';
import { toPublishedReport } from '../cycle-report/published-cycle-report.js';
import { approved, reportInput } from '../testing/report-fixture.js';
import { renderReportCsv } from './report-csv.js';
import { renderReportDocx } from './report-docx.js';
import { renderReportHtml } from './report-html.js';
import { writeReportXlsx } from './report-xlsx.js';

const actions: Indicator = {
  name: 'Actions achieved',
  unit: '%',
  baseline: 80,
  target: 85,
  direction: 'higher-is-better',
  amber: { value: 80 },
  red: { value: 70 },
};

function input() {
  const base = reportInput();
  const s1 = base.plan.measures.get('S1')!;
  base.plan.measures.set('S1', { ...s1, indicators: [actions] });
  return reportInput({
    plan: base.plan,
    returns: [
      approved('S1', 'safe', 'csp', {
        rag: 'amber',
        narrative: 'Most actions done.',
        indicators: [{ name: 'Actions achieved', value: 82.5 }],
      }),
      approved('S2', 'safe', 'csp', { rag: 'green', narrative: 'Fine.' }),
    ],
    pastCycles: [
      {
        cycleId: 'y0',
        label: 'Year 0 2018/19',
        periodStart: '2018-04-01',
        periodEnd: '2019-03-31',
        ratings: new Map([['S1', 'red']]),
        values: new Map([['S1', [{ name: 'Actions achieved', value: 64 }]]]),
      },
    ],
  });
}

describe('indicators in the report', () => {
  const report = buildCycleReport(input());
  const s1 = report.themes[0].measures.find((m) => m.ref === 'S1')!;

  it('gives each indicator its value against target, its RAG and its trend over the plan cycles', () => {
    expect(s1.indicators).toEqual([
      {
        name: 'Actions achieved',
        unit: '%',
        direction: 'higher-is-better',
        baseline: 80,
        target: 85,
        value: 82.5,
        rag: 'green',
        trend: [
          { cycleId: 'y0', label: 'Year 0 2018/19', value: 64 },
          { cycleId: 'y1', label: 'Year 1 2019/20', value: 82.5 },
        ],
      },
    ]);
  });

  it('leaves a measure without indicators as it was, and publishes the indicators of one with', () => {
    const s2 = report.themes[0].measures.find((m) => m.ref === 'S2')!;
    expect('indicators' in s2).toBe(false);
    const published = toPublishedReport(report, { lastUpdatedDates: false });
    expect(published.themes[0].measures.find((m) => m.ref === 'S1')!.indicators).toEqual(s1.indicators);
    expect('indicators' in published.themes[0].measures.find((m) => m.ref === 'S2')!).toBe(false);
  });

  it('the CSV Indicators part has numbers unquoted', () => {
    const csv = renderReportCsv(report, 'indicators');
    expect(csv.split('\r\n')).toEqual([
      '\ufeffTheme,Ref,Key success measure,Indicator,Unit,Better when,Baseline,Target,Value,Suggested RAG',
      'Safe Communities,S1,Measure S1,Actions achieved,%,higher,80,85,82.5,Green',
      '',
    ]);
  });

  it('the XLSX Indicators sheet holds numeric cells', async () => {
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    await writeReportXlsx(report, output);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Indicators')!;
    expect(sheet.getRow(2).values).toEqual([
      undefined,
      'Safe Communities',
      'S1',
      'Measure S1',
      'Actions achieved',
      '%',
      'higher',
      80,
      85,
      82.5,
      'Green',
    ]);
    expect(sheet.getCell('I2').type).toBe(ExcelJS.ValueType.Number);
  });

  it('the HTML shows value against target, and a sparkline with its words for screen readers', () => {
    const html = renderReportHtml(report);
    expect(html).toContain(
      '<span class="indicator-name">Actions achieved</span>: 82.5% against a target of 85% <span class="chip rag-green">Green</span>',
    );
    expect(html).toMatch(
      /<svg class="sparkline" role="img" aria-label="Trend of Actions achieved: Year 0 2018\/19 64%, Year 1 2019\/20 82.5%; target 85%"/,
    );
  });

  it('shows no indicators for a measure no cycle gave a value for', () => {
    const none = input();
    none.returns[0] = approved('S1', 'safe', 'csp', { rag: 'amber', narrative: 'No figures.' });
    none.pastCycles = [];
    const measure = buildCycleReport(none).themes[0].measures.find((m) => m.ref === 'S1')!;
    expect('indicators' in measure).toBe(false);
  });

  it('prints a figure bare when its unit only says what kind of figure it is, and other units beside it', () => {
    for (const [unit, printed] of [
      ['rate', '18.8 against a target of 35'],
      [' Count ', '18.8 against a target of 35'],
      ['per 100,000', '18.8 per 100,000 against a target of 35 per 100,000'],
      ['days', '18.8 days against a target of 35 days'],
      ['£', '£18.8 against a target of £35'],
    ]) {
      const one = input();
      const s1 = one.plan.measures.get('S1')!;
      one.plan.measures.set('S1', { ...s1, indicators: [{ ...actions, unit, target: 35 }] });
      one.returns[0] = approved('S1', 'safe', 'csp', {
        rag: 'green',
        narrative: 'Figures.',
        indicators: [{ name: 'Actions achieved', value: 18.8 }],
      });
      expect(renderReportHtml(buildCycleReport({ ...one, pastCycles: [] }))).toContain(
        `<span class="indicator-name">Actions achieved</span>: ${printed}`,
      );
    }
  });

  it('draws no sparkline from a single value', () => {
    const alone = buildCycleReport({ ...input(), pastCycles: [] });
    expect(renderReportHtml(alone)).not.toContain('class="sparkline"');
    expect(renderReportHtml(alone)).toContain('82.5% against a target of 85%');
  });

  it('the Word report says each indicator against its target with its RAG, and its trend, under the measure', async () => {
    const texts = await docxParagraphs(report);
    const at = texts.indexOf('Actions achieved: 82.5% against a target of 85% (Green)');
    expect(at).toBeGreaterThan(texts.indexOf('Measure S1'));
    expect(texts.slice(at + 1, at + 3)).toEqual([
      'Trend: Year 0 2018/19 64%, Year 1 2019/20 82.5%',
      'Most actions done.',
    ]);
    expect(texts.filter((t) => t.includes('against a target of'))).toHaveLength(1);
  });

  it('the Word report gives no trend from a single value', async () => {
    const texts = await docxParagraphs(buildCycleReport({ ...input(), pastCycles: [] }));
    expect(texts).toContain('Actions achieved: 82.5% against a target of 85% (Green)');
    expect(texts.some((t) => t.startsWith('Trend:'))).toBe(false);
  });

  it('the Word report says when this cycle gave no value, without a RAG or a trend of one point', async () => {
    const missing = input();
    missing.returns[0] = approved('S1', 'safe', 'csp', { rag: 'amber', narrative: 'No figures.' });
    const texts = await docxParagraphs(buildCycleReport(missing));
    expect(texts).toContain('Actions achieved: no value given against a target of 85%');
    expect(texts.some((t) => t.startsWith('Trend:'))).toBe(false);
  });
});

/** The Word document's paragraphs as text, in order. */
async function docxParagraphs(report: ReturnType<typeof buildCycleReport>): Promise<string[]> {
  const zip = await JSZip.loadAsync(await renderReportDocx(report));
  const xml = await zip.file('word/document.xml')!.async('string');
  return [...xml.matchAll(/<w:p(?: [^>]*)?>([\s\S]*?)<\/w:p>/g)].map((p) =>
    [...p[1].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1]).join(''),
  );
}
