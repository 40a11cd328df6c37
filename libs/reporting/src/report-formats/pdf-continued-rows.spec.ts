import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCycleReport } from '../cycle-report/cycle-report.js';
import { approved, reportInput } from '../testing/report-fixture.js';
import { PdfPrinter } from './pdf-printer.js';
import { PRINT_CHUNK } from './narrative-chunks.js';
import { renderReportHtml } from './report-html.js';

// Two paragraphs just over one printed chunk together: two rows that fit on one page, as S1's did in Sevenoaks.
const paragraph = (n: number, size: number) => `Paragraph ${n} ${'words '.repeat(size / 6)}`.trim();
const twoChunks = [paragraph(1, PRINT_CHUNK * 0.6), paragraph(2, PRINT_CHUNK * 0.6)].join('\n\n');
// Many chunks: a narrative over several pages, whose continuations must name the measure on each.
const manyChunks = Array.from({ length: 24 }, (_, i) => paragraph(i + 1, 600)).join('\n\n');

const report = buildCycleReport(
  reportInput({
    returns: [
      approved('S1', 'safe', 'csp', { rag: 'amber', narrative: twoChunks }),
      approved('C1', 'caring', 'sdc', { rag: 'green', narrative: manyChunks }),
    ],
  }),
);

/** The pages of a PDF as pdftotext lays them out, each as its lines. */
function pagesOf(pdf: Buffer): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'continued-rows-'));
  try {
    writeFileSync(join(dir, 'r.pdf'), pdf);
    const text = execFileSync('pdftotext', ['-layout', join(dir, 'r.pdf'), '-'], { encoding: 'utf8' });
    return text.split('\f').map((page) => page.split('\n'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How often a page names the measure as a row's Ref: its first column, alone at the start of a line. */
const refsOn = (page: string[], ref: string) =>
  page.filter((line) => new RegExp(`^\\s{0,4}${ref}\\b`).test(line)).length;

describe('a long narrative in the PDF: its continuation names the measure only at the top of a following page (real Chromium)', () => {
  let printer: PdfPrinter;
  beforeAll(() => {
    printer = new PdfPrinter();
  });
  afterAll(() => printer.onModuleDestroy());

  for (const orientation of ['landscape', 'portrait'] as const) {
    it(`names each measure once on each page it is on (${orientation})`, async () => {
      const pdf = await printer.print((pages) => renderReportHtml(report, {}, { orientation, pages }), {
        footer: 'Test',
        orientation,
        headings: [],
      });
      const pages = pagesOf(pdf);
      // S1's two rows share a page: it was named twice there.
      const s1 = pages.filter((p) => refsOn(p, 'S1') > 0);
      expect(s1.map((p) => refsOn(p, 'S1'))).toEqual([1]);
      expect(s1[0].join(' ')).toContain('Paragraph 2');
      // C1 runs over pages: each page from its first to its last paragraph names it once, so a continuing page
      // says whose progress it shows, and a page with several of its rows does not say it again.
      const first = pages.findIndex((p) => refsOn(p, 'C1') > 0);
      const last = pages.findIndex((p) => p.join(' ').includes('Paragraph 24 words'));
      expect(last).toBeGreaterThan(first);
      expect(pages.slice(first, last + 1).map((p) => refsOn(p, 'C1'))).toEqual(
        Array.from({ length: last - first + 1 }, () => 1),
      );
      // Every paragraph is printed.
      const all = pages.flat().join(' ');
      for (let n = 1; n <= 24; n++) expect(all).toContain(`Paragraph ${n} words`);
    }, 120_000);
  }
});
