import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { renderNarrative } from '../libs/returns/src/index.js';
import {
  NEET_TABLE,
  SEVENOAKS_2019_20_LEAD_AGENCIES,
  SEVENOAKS_2019_20_RETURNS,
} from './fixtures/sevenoaks-2019-20-returns.js';
import { as, http, Product, SEVENOAKS_FILE, startProduct } from './support/product.js';
import { launchBrowser } from './support/browser.js';
import { openCycle, projectionsSettled } from './support/reporting.js';

type Measure = {
  ref: string;
  rag: string;
  narrative: string;
  narrativeHtml: string;
  comments: string | null;
};

/**
 * The whole Sevenoaks 2019/20 report, all 27 measures as the seed prints them, entered through the API as the
 * three users would: the coordinator loads the plan and opens the year, each agency lead drafts and submits
 * its returns (one is sent back and fixed), reviewers approve, the coordinator closes the year and publishes.
 * The publication is then read in every format it is offered in.
 */
describe('the whole Sevenoaks 2019/20 report, entered and published through the API (e2e)', () => {
  let product: Product;
  let call: ReturnType<typeof http>;
  let cycleId: string;
  const refs = Object.keys(SEVENOAKS_2019_20_RETURNS);
  const published = (format?: string) =>
    `/cycles/${encodeURIComponent(cycleId)}/report?published=latest${format ? `&format=${format}` : ''}`;
  const download = async (path: string) => {
    const res = await fetch(`${product.baseUrl}${path}`, { headers: as.coordinator });
    expect([path, res.status]).toEqual([path, 200]);
    return res.arrayBuffer();
  };

  beforeAll(async () => {
    product = await startProduct('whole_report');
    call = http(product.baseUrl);
  });
  afterAll(() => product.stop());

  it('takes all 27 returns from their agency leads through review to a publication', async () => {
    const imported = await call('POST', '/plan/import', as.coordinator, {
      yaml: readFileSync(SEVENOAKS_FILE, 'utf8'),
    });
    expect(imported.status).toBe(200);
    cycleId = await openCycle(call, as.coordinator, {
      cycleId: 'year-1-2019-20',
      label: 'Year 1 2019/20',
      periodStart: '2019-04-01',
      periodEnd: '2020-03-31',
      dueDate: '2030-04-30',
    });
    const returnId = (ref: string) => `${encodeURIComponent(cycleId)}.${ref}`;

    for (const ref of refs) {
      const lead = as.lead(SEVENOAKS_2019_20_LEAD_AGENCIES[ref]);
      const content = SEVENOAKS_2019_20_RETURNS[ref];
      expect([ref, (await call('PUT', `/returns/${returnId(ref)}/draft`, lead, content)).status]).toEqual([
        ref,
        200,
      ]);
      expect([ref, (await call('POST', `/returns/${returnId(ref)}/submit`, lead, content)).status]).toEqual([
        ref,
        200,
      ]);
    }
    // C3 goes back once for its table, and comes back unchanged in substance.
    const back = await call('POST', `/returns/${returnId('C3')}/send-back`, as.reviewer, {
      reason: 'Please add the NEET table for all districts',
    });
    expect(back.status).toBe(200);
    const c3Lead = as.lead(SEVENOAKS_2019_20_LEAD_AGENCIES.C3);
    expect(
      (await call('POST', `/returns/${returnId('C3')}/submit`, c3Lead, SEVENOAKS_2019_20_RETURNS.C3)).status,
    ).toBe(200);
    for (const [i, ref] of refs.entries()) {
      const reviewer = i % 2 === 0 ? as.reviewer : as.reviewer2;
      expect([ref, (await call('POST', `/returns/${returnId(ref)}/approve`, reviewer)).status]).toEqual([
        ref,
        200,
      ]);
    }
    await projectionsSettled(product);
    expect(
      (await call('POST', `/cycles/${encodeURIComponent(cycleId)}/close`, as.coordinator, {})).status,
    ).toBe(200);
    const publication = await call('POST', `/cycles/${encodeURIComponent(cycleId)}/publish`, as.coordinator);
    expect(publication.status).toBe(201);
  }, 120_000);

  it('publishes every theme and measure in the seed’s order, word for word, with the 96% headline', async () => {
    const report = (await call('GET', published(), as.coordinator)).body;
    expect(report.headline).toMatchObject({
      text: '96% of measures on target',
      rated: 27,
      measures: 27,
      green: 26,
      amber: 1,
      red: 0,
      notRated: 0,
    });
    expect(report.themes.map((t: { heading: string }) => t.heading)).toEqual([
      'Safe Communities - A safer place to live work and travel',
      'Caring Communities - Where children are given the best start and people can be supported to live independent lives',
      'Green Environment - Where people can enjoy high quality urban and rural environments',
      'Healthy Environment - Where people have healthy lifestyles, access to quality healthcare and health inequalities are reduced',
      'Dynamic Economy - A thriving local economy where businesses flourish, where people have skills for employment and tourism is supported',
      'Sustainable Economy - Where people can live, work and travel more easily and are empowered to shape their community',
    ]);
    const measures: Measure[] = report.themes.flatMap((t: { measures: Measure[] }) => t.measures);
    expect(measures.map((m) => m.ref)).toEqual(refs);
    for (const m of measures) {
      const entered = SEVENOAKS_2019_20_RETURNS[m.ref];
      expect([m.ref, m.rag, m.narrative, m.comments]).toEqual([
        m.ref,
        entered.rag,
        entered.narrative,
        entered.comments ?? null,
      ]);
      expect([m.ref, m.narrativeHtml]).toEqual([m.ref, renderNarrative(entered.narrative)]);
    }
    // Sub-bullets stay under their bullet, as the seed nests them.
    expect(measures.find((m) => m.ref === 'S2')!.narrativeHtml).toMatch(/<li>[^<]*<ul>\n<li>/);
    const c3 = report.themes[1].measures.find((m: { ref: string }) => m.ref === 'C3');
    expect(c3.tables).toEqual([NEET_TABLE]);
  });

  it('prints every measure and every NEET figure in the published HTML', async () => {
    const html = Buffer.from(await download(published('html'))).toString('utf8');
    let from = 0;
    for (const ref of refs) {
      const at = html.indexOf(`id="measure-${ref}"`, from);
      expect([ref, at > from]).toEqual([ref, true]);
      from = at;
    }
    for (const ref of refs) expect(html).toContain(renderNarrative(SEVENOAKS_2019_20_RETURNS[ref].narrative));
    const cells = [...NEET_TABLE.header, ...NEET_TABLE.rows.flat()].filter((c) => c.trim() !== '');
    for (const cell of cells) expect([cell, html.includes(`>${escape(cell)}</t`)]).toEqual([cell, true]);
  });

  it('has every measure in the published CSV and XLSX', async () => {
    const csv = parse(Buffer.from(await download(published('csv'))).toString('utf8'), {
      bom: true,
      columns: true,
    }) as Record<string, string>[];
    const refColumn = Object.keys(csv[0]).find((k) => /^ref$/i.test(k))!;
    expect(csv.map((row) => row[refColumn])).toEqual(refs);

    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await download(published('xlsx')));
    const sheet = book.getWorksheet('Measures')!;
    const inSheet: string[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) inSheet.push(String(row.getCell(2).value));
    });
    expect(inSheet).toEqual(refs);
  });

  (existsSync('/usr/bin/chromium') ? it : it.skip)(
    'prints the published PDF with every measure and the headline in its text',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'whole-report-'));
      const file = join(dir, 'report.pdf');
      writeFileSync(file, Buffer.from(await download(published('pdf'))));
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain('96% of measures on target');
      for (const ref of refs)
        expect([ref, new RegExp(`^\\s*${ref}\\b`, 'm').test(text)]).toEqual([ref, true]);
    },
    60_000,
  );

  // Issue 12, points 1 and 8: the PDF an officer takes to committee. One landscape print and one portrait print.
  describe('the printed PDF', () => {
    const hasChromium = existsSync('/usr/bin/chromium');
    const dir = mkdtempSync(join(tmpdir(), 'whole-report-pdf-'));
    const norm = (text: string) => text.replace(/\s+/g, ' ');
    const pageText = (file: string, n: number, layout = false) =>
      execFileSync(
        'pdftotext',
        [...(layout ? ['-layout'] : []), '-f', String(n), '-l', String(n), file, '-'],
        {
          encoding: 'utf8',
        },
      );
    const info = (file: string) => execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    const pageSize = (file: string) => {
      const [, width, height] = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info(file))!.map(Number);
      return { a4: /\(A4\)$/m.test(info(file)), landscape: width > height };
    };
    const pageCount = (file: string) => Number(/^Pages:\s+(\d+)/m.exec(info(file))![1]);
    let landscape: string;
    let portrait: string;
    let report: {
      label: string;
      yearHeading: string;
      themes: { title: string; heading: string; measures: { ref: string; rag: string }[] }[];
      appendices: { heading: string }[];
    };

    beforeAll(async () => {
      if (!hasChromium) return;
      report = (await call('GET', published(), as.coordinator)).body;
      // Both prints at once, one request after the other, so that the tests between read files only.
      landscape = join(dir, 'landscape.pdf');
      writeFileSync(landscape, Buffer.from(await download(published('pdf'))));
      portrait = join(dir, 'portrait.pdf');
      writeFileSync(portrait, Buffer.from(await download(`${published('pdf')}&orientation=portrait`)));
    }, 120_000);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    (hasChromium ? it : it.skip)('names in its contents the page each heading is really on', () => {
      const contents = pageText(landscape, 1, true);
      expect(contents).toContain('Contents');
      const entries = [
        { title: 'Summary', heading: 'Summary' },
        ...report.themes.map((t) => ({ title: t.title, heading: t.heading })),
        ...report.appendices.map((a) => ({ title: a.heading, heading: a.heading })),
      ];
      expect(report.appendices.length).toBeGreaterThan(0);
      const pages = pageCount(landscape);
      for (const entry of entries) {
        const line = new RegExp(
          `^\\s*${entry.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+(\\d+)\\s*$`,
          'm',
        );
        const match = line.exec(contents);
        expect([entry.title, match !== null]).toEqual([entry.title, true]);
        const page = Number(match![1]);
        expect(page).toBeGreaterThan(1);
        expect(page).toBeLessThanOrEqual(pages);
        // The heading is on the page named, and not yet on the page before it (unless that is the contents).
        expect([entry.title, page, norm(pageText(landscape, page)).includes(norm(entry.heading))]).toEqual([
          entry.title,
          page,
          true,
        ]);
        if (page - 1 > 1)
          expect([
            entry.title,
            page - 1,
            norm(pageText(landscape, page - 1)).includes(norm(entry.heading)),
          ]).toEqual([entry.title, page - 1, false]);
      }
    });

    (hasChromium ? it : it.skip)(
      'is tagged for screen readers, A4 landscape, with a bookmark for each theme',
      async () => {
        expect(info(landscape)).toMatch(/^Tagged:\s+yes$/m);
        expect(pageSize(landscape)).toEqual({ a4: true, landscape: true });
        const titles = await outlineTitles(readFileSync(landscape));
        for (const theme of report.themes)
          expect([theme.heading, titles.filter((t) => norm(t) === norm(theme.heading)).length]).toEqual([
            theme.heading,
            1,
          ]);
        for (const appendix of report.appendices) expect(titles).toContain(appendix.heading);
      },
    );

    (hasChromium ? it : it.skip)(
      'prints every NEET figure whole (landscape and portrait), and C3 with its RAG on each page of its table',
      () => {
        const figures = NEET_TABLE.rows.flat().filter((c) => c.trim() !== '');
        expect(figures.length).toBeGreaterThan(100);
        for (const [file, text] of [landscape, portrait].map((f) => [
          f,
          execFileSync('pdftotext', ['-layout', f, '-'], { encoding: 'utf8' }),
        ]))
          for (const figure of figures) {
            const whole = new RegExp(`(^|\\s)${figure.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`, 'm');
            expect([file, figure, whole.test(text)]).toEqual([file, figure, true]);
          }
        const c3 = report.themes.flatMap((t) => t.measures).find((m) => m.ref === 'C3')!;
        const ragWord = c3.rag.charAt(0).toUpperCase() + c3.rag.slice(1);
        // A page holds part of the table where a district's row starts, its name followed by its cohort.
        const rowStarts = NEET_TABLE.rows.map((r) => new RegExp(`^\\s*${r[0]}\\s+${r[1]}\\s`, 'm'));
        const tablePages: number[] = [];
        for (let n = 1; n <= pageCount(landscape); n++) {
          const page = pageText(landscape, n, true);
          if (rowStarts.some((row) => row.test(page))) tablePages.push(n);
        }
        expect(tablePages.length).toBeGreaterThan(0);
        for (const n of tablePages) {
          const page = pageText(landscape, n, true);
          // The table's repeated header names the measure and its RAG, side by side.
          expect([n, new RegExp(`^\\s*C3\\s+${ragWord}\\s*$`, 'm').test(page)]).toEqual([n, true]);
        }
      },
    );

    (hasChromium ? it : it.skip)(
      'starts each page of a theme with a measure’s Ref and its RAG word, landscape and portrait',
      () => {
        const measures = report.themes.flatMap((t) => t.measures);
        const ragOf = new Map(measures.map((m) => [m.ref, m.rag.charAt(0).toUpperCase() + m.rag.slice(1)]));
        // The words of the repeated column headings, which may wrap onto lines of their own.
        const headingWords = new Set(
          `Ref Key Success Measure RAG DOT Direction of Travel & comments ${report.label} ${report.yearHeading}`.split(
            /\s+/,
          ),
        );
        let themePages = 0;
        for (const file of [landscape, portrait])
          for (let n = 2; n <= pageCount(file); n++) {
            const lines = pageText(file, n, true)
              .split('\n')
              .filter((l) => l.trim() !== '');
            const header = lines.findIndex((l) => /^\s*Ref\s+Key Success/.test(l));
            if (header < 0) continue;
            themePages++;
            const rest = lines.slice(header + 1);
            const first = rest.findIndex(
              (l) =>
                !l
                  .trim()
                  .split(/\s+/)
                  .every((w) => headingWords.has(w)),
            );
            const [ref] = rest[first].trim().split(/\s+/);
            // The first line under the headings names a measure, and the RAG beside it is that measure's.
            expect([file, n, ragOf.has(ref), rest[first].includes(ragOf.get(ref) ?? '?')]).toEqual([
              file,
              n,
              true,
              true,
            ]);
          }
        expect(themePages).toBeGreaterThan(30);
      },
    );

    (hasChromium ? it : it.skip)(
      'prints A4 portrait on request',
      async () => {
        expect(pageSize(portrait)).toEqual({ a4: true, landscape: false });
        expect(info(portrait)).toMatch(/^Tagged:\s+yes$/m);
        expect(pageText(portrait, 1)).toContain('Contents');
      },
      120_000,
    );
  });

  it('refuses an orientation it does not know, naming the parameter', async () => {
    const res = await call('GET', `${published('pdf')}&orientation=sideways`, as.coordinator);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(JSON.stringify(res.body)).toMatch(/orientation/);
  });

  (existsSync('/usr/bin/chromium') ? it : it.skip)(
    'reads at 320 px: the page does not scroll sideways, the measures and the NEET table scroll in their own boxes',
    async () => {
      const browser = await launchBrowser();
      try {
        // As served, under the report's own Content-Security-Policy: its style sheet must apply for any of this.
        const context = await browser.newContext({
          viewport: { width: 320, height: 640 },
          extraHTTPHeaders: as.coordinator,
        });
        const page = await context.newPage();
        const res = await page.goto(`${product.baseUrl}${published('html')}`);
        expect(res?.status()).toBe(200);
        const widths = (await page.evaluate(`(() => {
          const box = document.querySelector('#measure-C3-tables .table-scroll');
          const wide = [...document.querySelectorAll('body *')]
            .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
            .filter((el) => !el.parentElement.closest('.table-scroll'))
            .slice(0, 5)
            .map((el) => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right));
          return {
            page: document.documentElement.scrollWidth,
            viewport: document.documentElement.clientWidth,
            box: box.clientWidth,
            table: box.scrollWidth,
            wide,
            rag: getComputedStyle(document.querySelector('#measure-C3 td.rag')).backgroundColor,
          };
        })()`)) as {
          page: number;
          viewport: number;
          box: number;
          table: number;
          wide: string[];
          rag: string;
        };
        // Green, from the style sheet: the policy let it apply.
        expect(widths.rag).toBe('rgb(0, 112, 60)');
        expect(widths.wide).toEqual([]);
        expect(widths.page).toBeLessThanOrEqual(widths.viewport);
        expect(widths.table).toBeGreaterThan(widths.box);
      } finally {
        await browser.close();
      }
    },
    60_000,
  );
});

function escape(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Every bookmark's title in a PDF's outline, depth first. */
async function outlineTitles(pdf: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const titles: string[] = [];
  const walk = (item: PDFDict | undefined) => {
    for (let at = item; at; at = at.lookupMaybe(PDFName.of('Next'), PDFDict)) {
      const title = at.lookup(PDFName.of('Title'));
      if (title instanceof PDFString || title instanceof PDFHexString) titles.push(title.decodeText());
      walk(at.lookupMaybe(PDFName.of('First'), PDFDict));
    }
  };
  walk(doc.catalog.lookupMaybe(PDFName.of('Outlines'), PDFDict)?.lookupMaybe(PDFName.of('First'), PDFDict));
  return titles;
}
