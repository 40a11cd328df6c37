import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { as, http, importSevenoaks, Product, startProduct } from './support/product.js';
import { openCycle, projectionsSettled, submitAndApprove } from './support/reporting.js';

/**
 * Signs an officer types in a narrative, entered through the API and read in every format the report is offered
 * in: a star between figures stays a star (no italic 3), a task list keeps its box or tick, and an HTML entity
 * typed as text is its character (the page showed "£", the Word report and the spreadsheets "&pound;").
 */
describe('typed signs read alike in every format (e2e)', () => {
  let product: Product;
  const cycleId = 'y1-2019-20';
  const narrative = [
    'Cost 2*3*4 units &amp; grants of &pound;758,817.95',
    '',
    '- [ ] Recruit two wardens',
    '- [x] Agree funding',
  ].join('\n');
  const lines = ['Cost 2*3*4 units & grants of £758,817.95', '☐ Recruit two wardens', '☑ Agree funding'];
  const get = async (format: string) => {
    const res = await fetch(`${product.baseUrl}/cycles/${cycleId}/report?format=${format}`, {
      headers: as.coordinator,
    });
    expect([format, res.status]).toEqual([format, 200]);
    return res;
  };

  beforeAll(async () => {
    product = await startProduct('report_typed_signs');
    await importSevenoaks(product.store);
    const call = http(product.baseUrl);
    await openCycle(call, as.coordinator, {
      cycleId,
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    await submitAndApprove(call, `${cycleId}.S1`, as.lead('sevenoaks-csp'), as.reviewer, {
      rag: 'green',
      narrative,
      dot: 'improving',
    });
    await projectionsSettled(product);
  });
  afterAll(() => product.stop());

  it('prints them on the page', async () => {
    const html = await (await get('html')).text();
    expect(html).toContain('<p>Cost 2*3*4 units &amp; grants of £758,817.95</p>');
    expect(html).toContain('<li>☐ Recruit two wardens</li>\n<li>☑ Agree funding</li>');
    expect(html).not.toContain('<em>3</em>');
  });

  (existsSync('/usr/bin/chromium') ? it : it.skip)(
    'prints them in the PDF',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'typed-signs-'));
      try {
        const file = join(dir, 'report.pdf');
        writeFileSync(file, Buffer.from(await (await get('pdf')).arrayBuffer()));
        const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
        for (const line of lines) expect(text).toContain(line);
        // The box and the tick are drawn from DejaVu (the image installs it): Liberation has neither.
        const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' });
        expect(fonts).toMatch(/DejaVu/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );

  it('prints them in the Word report, none of the figures in italics', async () => {
    const zip = await JSZip.loadAsync(await (await get('docx')).arrayBuffer());
    const xml = await zip.file('word/document.xml')!.async('string');
    const texts = [...xml.matchAll(/<w:p(?: [^>]*)?>([\s\S]*?)<\/w:p>/g)].map((p) =>
      [...p[1].matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)].map((t) => t[1].replace(/&amp;/g, '&')).join(''),
    );
    for (const line of lines) expect(texts).toContain(line);
    // Awaiting measures are in italics ("No approved return yet"); no run of the figures is.
    expect(/<w:i\/>(?:(?!<\/w:r>)[\s\S])*<w:t(?: [^>]*)?>3<\/w:t>/.test(xml)).toBe(false);
  });

  it('prints them in the spreadsheet and the CSV', async () => {
    const progress = lines.join('\n\n').replace('\n\n☑', '\n☑').replace('☐', '• ☐').replace('☑', '• ☑');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await (await get('xlsx')).arrayBuffer());
    expect(book.getWorksheet('Measures')!.getCell('F2').value).toBe(progress);
    const [header, row] = parse(await (await get('csv')).text(), { bom: true }) as string[][];
    expect(row[header.indexOf('Progress')]).toBe(progress);
  });
});
