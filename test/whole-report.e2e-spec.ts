import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { narrativeText } from '../libs/reporting/src/index.js';
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { renderNarrative } from '../libs/returns/src/index.js';
import {
  APPENDICES,
  NEET_TABLE,
  SEVENOAKS_2019_20_LEAD_AGENCIES,
  SEVENOAKS_2019_20_RETURNS,
} from './fixtures/sevenoaks-2019-20-returns.js';
import { as, http, Product, SEVENOAKS_FILE, startProduct } from './support/product.js';
import { launchBrowser } from './support/browser.js';
import { biConnections } from './support/bi-role.js';
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
  /**
   * The latest publication's PDF at `path`, printed once: a print takes Chromium seconds, and the tests that read
   * the same publication's PDF share it (each that runs alone prints its own). Emptied when the cycle is
   * published again, so each publication's PDF is its own print.
   */
  const prints = new Map<string, Promise<ArrayBuffer>>();
  const printed = (path: string) => {
    if (!prints.has(path)) prints.set(path, download(path));
    return prints.get(path)!;
  };

  /**
   * A part of the published CSV, its records by heading, without its last: the publication's colophon, which
   * every part ends with (its first cell, the others empty) so that a file taken alone says what it is from.
   */
  const publishedPart = async (part: string) => {
    const records = parse(Buffer.from(await download(`${published('csv')}&part=${part}`)).toString('utf8'), {
      bom: true,
      columns: true,
    }) as Record<string, string>[];
    const [first, ...rest] = Object.values(records.at(-1) ?? {});
    expect([part, first, rest.every((cell) => cell === '')]).toEqual([
      part,
      expect.stringMatching(
        /^Publication \d+, published \d{1,2} [A-Z][a-z]+ \d{4}\. Content hash: [0-9a-f]{64}$/,
      ),
      true,
    ]);
    return records.slice(0, -1);
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
    prints.clear();
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
    // The publication's colophon is the last record, with no Ref.
    expect(csv.map((row) => row[refColumn]).filter((ref) => ref !== '')).toEqual(refs);

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
      writeFileSync(file, Buffer.from(await printed(published('pdf'))));
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain('96% of measures on target');
      for (const ref of refs)
        expect([ref, new RegExp(`^\\s*${ref}\\b`, 'm').test(text)]).toEqual([ref, true]);
    },
    60_000,
  );

  it('downloads the published DOCX with every measure in order, its words, every NEET figure and the headline', async () => {
    const report = (await call('GET', published(), as.coordinator)).body as PublishedShape;
    const zip = await JSZip.loadAsync(await download(published('docx')));
    const xml = await zip.file('word/document.xml')!.async('string');
    // The measures in the seed's order: each Ref is the bold first cell of its row.
    let from = 0;
    for (const ref of refs) {
      const at = xml.indexOf(`<w:b/><w:bCs/></w:rPr><w:t xml:space="preserve">${ref}</w:t>`, from);
      expect([ref, at > from]).toEqual([ref, true]);
      from = at;
    }
    // Every narrative's words, in order, with list markers left to Word's numbering.
    const text = wordText(xml);
    for (const ref of refs) {
      const words = narrativeText(SEVENOAKS_2019_20_RETURNS[ref].narrative)
        .replace(/^[ \t]*(?:•|\d+\.)[ \t]+/gm, '')
        .replace(/\s+/g, ' ')
        .trim();
      expect([ref, text.includes(words)]).toEqual([ref, true]);
    }
    // Bullets are Word lists, sub-bullets one level down (S2 nests them, as the seed does).
    expect(xml).toMatch(/<w:numPr><w:ilvl w:val="1"\/>/);
    // The NEET table is a Word table of its own, every figure whole in a cell of it.
    const neetAt = xml.indexOf(`>${escape(NEET_TABLE.caption)}</w:t>`);
    expect(neetAt).toBeGreaterThan(xml.indexOf('>C3</w:t>'));
    const neet = xml.slice(xml.lastIndexOf('<w:tbl>', neetAt), xml.indexOf('</w:tbl>', neetAt));
    const cells = [...NEET_TABLE.header, ...NEET_TABLE.rows.flat()].filter((c) => c.trim() !== '');
    for (const cell of cells)
      expect([cell, neet.includes(`>${escape(cell).replace(/'/g, '&apos;')}</w:t>`)]).toEqual([cell, true]);
    expect(text).toContain('96% of measures on target');
    // Headings as Word styles: every theme and appendix a Heading 1, every case study a Heading 3.
    const styled = (style: string) =>
      [
        ...xml.matchAll(
          new RegExp(`<w:pStyle w:val="${style}"/>(?:(?!</w:p>).)*?<w:t[^>]*>([^<]*)</w:t>`, 'g'),
        ),
      ].map((m) => unescapeXml(m[1]));
    expect(styled('Heading1')).toEqual([
      'Summary',
      ...report.themes.map((t) => t.heading),
      ...report.appendices.map((a) => a.heading),
    ]);
    const studies = report.appendices.flatMap((a) =>
      a.groups.flatMap((g) => g.caseStudies.map((c) => c.title)),
    );
    expect(studies.length).toBeGreaterThan(0);
    expect(styled('Heading3')).toEqual(studies);
    // What readers need, not the staff's workflow.
    expect(text).not.toMatch(/@example\.|Suggested by the RAGs|\(version \d/);
  }, 60_000);

  it('gives the headline, the counts and the case studies in the published CSV and XLSX', async () => {
    const report = (await call('GET', published(), as.coordinator)).body as PublishedShape;
    const csv = (part: string) => publishedPart(part);
    const summary = await csv('summary');
    expect(summary.map((r) => r.Theme)).toEqual([...report.themes.map((t) => t.title), 'All themes']);
    expect(summary[summary.length - 1]).toEqual({
      Theme: 'All themes',
      Measures: '27',
      Rated: '27',
      Green: '26',
      Amber: '1',
      Red: '0',
      'Not rated': '0',
      'On target (%)': '96',
      Headline: '96% of measures on target',
    });
    for (const [i, theme] of report.themes.entries())
      expect([theme.title, summary[i].Green, summary[i].Amber, summary[i].Red]).toEqual([
        theme.title,
        String(theme.counts.green),
        String(theme.counts.amber),
        String(theme.counts.red),
      ]);
    // The NEET table, cell by cell, gives the table back whole: each row, each column under its heading.
    const cells = (await csv('tables')).filter((c) => c.Ref === 'C3');
    const grid: string[][] = [];
    for (const c of cells) {
      expect([c.Caption, c['Column heading']]).toEqual([
        NEET_TABLE.caption,
        NEET_TABLE.header[+c.Column - 1],
      ]);
      (grid[+c.Row - 1] ??= [])[+c.Column - 1] = c.Cell;
    }
    expect(grid).toEqual(NEET_TABLE.rows);
    const appendices = await csv('appendices');
    expect(appendices.map((a) => a.Heading)).toEqual(report.appendices.map((a) => a.heading));
    const studies = report.appendices.flatMap((a) =>
      a.groups.flatMap((g) => g.caseStudies.map((c) => [a.heading, c.title, c.organisation])),
    );
    const rows = await csv('case-studies');
    const inCsv = [
      ...new Map(
        rows.map((r) => [`${r.Appendix}|${r.Title}`, [r.Appendix, r.Title, r.Organisation]]),
      ).values(),
    ];
    expect(inCsv).toEqual(studies);

    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await download(published('xlsx')));
    const sheetRows = (name: string) => {
      const out: unknown[][] = [];
      book.getWorksheet(name)!.eachRow((row) => out.push((row.values as unknown[]).slice(1)));
      return out;
    };
    const sheet = sheetRows('Summary');
    expect(sheet.some((r) => r[0] === '96% of measures on target')).toBe(true);
    expect(sheet.find((r) => r[0] === 'All themes')).toEqual([
      'All themes',
      27,
      27,
      26,
      1,
      0,
      0,
      96,
      '96% of measures on target',
    ]);
    expect(
      sheetRows('Appendices')
        .slice(1)
        .map((r) => r[1]),
    ).toEqual(report.appendices.map((a) => a.heading));
    const inSheet = [
      ...new Map(
        sheetRows('Case studies')
          .slice(1)
          .map((r) => [`${r[0]}|${r[3]}`, [r[0], r[3], r[4]]]),
      ).values(),
    ];
    expect(inSheet).toEqual(studies);
  });

  it('publishes what readers need and no staff member’s personal data, under the seed’s title and year heading, with one colophon line', async () => {
    // Issue 12 points 2 and 4, in every published format.
    const title = 'Sevenoaks District Community Plan Annual Monitoring Report 2019/20';
    const year = 'Year 1 (April 2019 - March 2020)';
    const colophon = /Publication 1, published \d{1,2} [A-Z][a-z]+ \d{4}\. Content hash: [0-9a-f]{64}/g;
    const workflow =
      /rita@sevenoaks|raj@sevenoaks|@sevenoaks\.example\.org|approvedBy|approvedAt|suggestedDot|"version"|\(version \d|\bVersion\b|Suggested by|SHA-256|Approved \d/;
    const count = (text: string, what: string) => text.split(what).length - 1;

    const json = Buffer.from(await download(published())).toString('utf8');
    const html = Buffer.from(await download(published('html'))).toString('utf8');
    const csv = Buffer.from(await download(published('csv'))).toString('utf8');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await download(published('xlsx')));
    const xlsx = book.worksheets
      .flatMap((sheet) => sheet.getSheetValues().flat())
      .map((v) => (v && typeof v === 'object' && 'richText' in v ? JSON.stringify(v) : String(v ?? '')))
      .join('\n');
    const formats: [string, string][] = [
      ['json', json],
      ['html', html],
      ['csv', csv],
      ['xlsx', xlsx],
    ];
    const docx = await JSZip.loadAsync(await download(published('docx')));
    formats.push(['docx', wordText(await docx.file('word/document.xml')!.async('string'))]);
    if (existsSync('/usr/bin/chromium')) {
      const dir = mkdtempSync(join(tmpdir(), 'whole-report-'));
      writeFileSync(join(dir, 'report.pdf'), Buffer.from(await printed(published('pdf'))));
      formats.push(['pdf', execFileSync('pdftotext', [join(dir, 'report.pdf'), '-'], { encoding: 'utf8' })]);
    }
    for (const [format, text] of formats) {
      expect([format, workflow.exec(text)?.[0] ?? null]).toEqual([format, null]);
      // The JSON is the publication itself; every other format says which one it is, once.
      if (format !== 'json') expect([format, text.match(colophon)?.length]).toEqual([format, 1]);
    }
    const report = JSON.parse(json);
    expect([report.title, report.yearHeading]).toEqual([title, year]);
    const themes = report.themes.length;

    // The title once in the body, on the cover (the HTML's head names it too, for the browser's tab and the
    // PDF's metadata, and the PDF's running footer on every page); the year heading once on the cover and over
    // each theme's progress column, as the seed prints it; the period never twice in a row, and the old
    // "Year 1 2019/20" heading nowhere.
    const body = html.slice(html.indexOf('<body>'));
    expect(count(body, title)).toBe(1);
    expect(count(body.slice(0, body.indexOf('</header>')), year)).toBe(1);
    expect(count(body, year)).toBe(1 + themes);
    const pdf = formats.find(([f]) => f === 'pdf')?.[1];
    if (pdf) {
      const cover = pdf.split('\f')[0].replace(/\s+/g, ' ');
      expect(cover).toContain(title);
      expect(count(cover, year)).toBe(1);
      expect(count(pdf.replace(/\s+/g, ' '), year)).toBeGreaterThanOrEqual(1 + themes);
    }
    for (const [format, text] of [['html', body], ...(pdf ? [['pdf', pdf]] : [])]) {
      expect([
        format,
        /\(April 2019 - March 2020\)\s*\(April 2019 - March 2020\)|Year 1 2019\/20/.test(text),
      ]).toEqual([format, false]);
    }

    // The staff's working view keeps the workflow.
    const live = (
      await call('GET', `/cycles/${encodeURIComponent(cycleId)}/report?format=html`, as.coordinator)
    ).body as string;
    expect(live).toMatch(/Approved \d{4}-\d{2}-\d{2} by r(ita|aj)@sevenoaks\.example\.org \(version \d+\)/);
  });

  it('publishes again with both of the seed’s appendices, entered by the coordinator, word for word', async () => {
    const base = `/cycles/${encodeURIComponent(cycleId)}/appendices`;
    let version = (await call('GET', base, as.coordinator)).body.version as number;
    const send = async (path: string, body: unknown): Promise<string> => {
      const res = await call(
        'POST',
        `${base}${path}`,
        { ...as.coordinator, 'if-match': `"${version}"` },
        body,
      );
      expect([path, res.status, res.body.errors]).toEqual([path, 201, undefined]);
      version = res.body.version;
      return res.body.id;
    };
    for (const appendix of APPENDICES) {
      const appendixId = await send('', { title: appendix.title, introduction: appendix.introduction });
      for (const study of appendix.caseStudies) {
        await send(`/${appendixId}/case-studies`, {
          title: study.title,
          organisation: study.organisation,
          author: study.author ?? null,
          measureRef: study.measureRef,
          themeId: study.themeId,
          // The seed's own theme headings ("Healthy Communities" over the Healthy Environment theme's study).
          groupHeading: study.theme,
          sections: study.sections,
        });
      }
    }
    prints.clear();
    const again = await call('POST', `/cycles/${encodeURIComponent(cycleId)}/publish`, as.coordinator);
    expect(again.status).toBe(201);

    const report = (await call('GET', published(), as.coordinator)).body;
    type Group = { title: string | null; caseStudies: { title: string }[] };
    expect(report.appendices.map((a: { heading: string }) => a.heading)).toEqual([
      'Appendix 1 - Partner Case Studies',
      'Appendix 2 - Supported Internship Case Studies',
    ]);
    const [partners, interns] = report.appendices;
    // Nine partner studies under the seed's theme headings, in the seed's order; the interns' under none.
    const byHeading = (groups: Group[]) => groups.map((g) => [g.title, g.caseStudies.map((c) => c.title)]);
    const expected = (caseStudies: (typeof APPENDICES)[number]['caseStudies']) =>
      caseStudies.reduce<[string | null, string[]][]>((groups, c) => {
        const last = groups[groups.length - 1];
        if (last && last[0] === c.theme) last[1].push(c.title);
        else groups.push([c.theme, [c.title]]);
        return groups;
      }, []);
    expect(byHeading(partners.groups)).toEqual(expected(APPENDICES[0].caseStudies));
    expect(partners.groups.map((g: Group) => g.title)).toEqual([
      'Safe Communities',
      'Caring Communities',
      'Green Environment',
      'Healthy Communities',
      'Dynamic Economy',
      'Sustainable Communities',
    ]);
    expect(byHeading(interns.groups)).toEqual([[null, APPENDICES[1].caseStudies.map((c) => c.title)]]);
    expect(interns.introduction).toBe(APPENDICES[1].introduction);
    const printed = [...partners.groups, ...interns.groups].flatMap(
      (g: { caseStudies: unknown[] }) => g.caseStudies,
    );
    expect(printed).toEqual(
      APPENDICES.flatMap((a) => a.caseStudies).map((c) => ({
        measureRef: c.measureRef,
        agencyId: null,
        title: c.title,
        organisation: c.organisation,
        author: c.author ?? null,
        sections: c.sections.map((s) => ({ ...s, bodyHtml: renderNarrative(s.body) })),
      })),
    );

    const html = Buffer.from(await download(published('html'))).toString('utf8');
    let from = html.indexOf('<h2>Appendix 1 - Partner Case Studies</h2>');
    expect(from).toBeGreaterThan(0);
    const next = (text: string) => {
      const at = html.indexOf(text, from);
      expect([text.slice(0, 80), at >= from]).toEqual([text.slice(0, 80), true]);
      from = at;
    };
    for (const appendix of APPENDICES) {
      next(`<h2>${escape(`Appendix ${APPENDICES.indexOf(appendix) + 1} - ${appendix.title}`)}</h2>`);
      if (appendix.introduction) next(renderNarrative(appendix.introduction));
      let heading: string | null = null;
      for (const study of appendix.caseStudies) {
        if (study.theme && study.theme !== heading) next(`<h3>${escape(study.theme)}</h3>`);
        heading = study.theme;
        next(`<h4>${escape(study.title)}</h4>`);
        next(escape([study.organisation, study.author].filter(Boolean).join(' - ')));
        // The measure as a reference to its row, not folded into the attribution.
        if (study.measureRef) next(`Measure <a href="#measure-${study.measureRef}">${study.measureRef}</a>`);
        for (const section of study.sections) {
          if (section.heading) next(`<h5>${escape(section.heading)}</h5>`);
          next(renderNarrative(section.body));
        }
      }
    }
  }, 60_000);

  (existsSync('/usr/bin/chromium') ? it : it.skip)(
    'prints both appendices in the republished PDF, and lists their studies in the XLSX',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'whole-report-appendices-'));
      const file = join(dir, 'report.pdf');
      writeFileSync(file, Buffer.from(await printed(published('pdf'))));
      // Without -layout: a heading or title that wraps still reads as one run of words.
      const words = (text: string) => text.replace(/\s+/g, ' ').trim();
      const text = words(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }));
      const headings = [
        'Appendix 1 - Partner Case Studies',
        'Appendix 2 - Supported Internship Case Studies',
      ];
      let from = 0;
      for (const line of [
        headings[0],
        ...APPENDICES[0].caseStudies.map((c) => c.title),
        headings[1],
        ...APPENDICES[1].caseStudies.map((c) => c.title),
      ]) {
        const at = text.indexOf(words(line), from);
        expect([line, at >= from]).toEqual([line, true]);
        from = at;
      }

      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await download(published('xlsx')));
      const cells: string[] = [];
      book.eachSheet((sheet) =>
        sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.value)))),
      );
      for (const study of APPENDICES.flatMap((a) => a.caseStudies)) expect(cells).toContain(study.title);
    },
    60_000,
  );

  it('carries both appendices into the republished DOCX and the CSV parts, with attribution and measure', async () => {
    const xml = await (
      await JSZip.loadAsync(await download(published('docx')))
    )
      .file('word/document.xml')!
      .async('string');
    // Word splits text into runs: compare the words of the document, not its markup.
    const words = xml
      .replace(/<w:p[ >]/g, '\n$&')
      .replace(/<[^>]+>/g, '')
      .replace(/&amp;/g, '&')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&apos;/g, "'");
    let from = 0;
    for (const line of [
      'Appendix 1 - Partner Case Studies',
      ...APPENDICES[0].caseStudies.map((c) => c.title),
      'Appendix 2 - Supported Internship Case Studies',
      ...APPENDICES[1].caseStudies.map((c) => c.title),
    ]) {
      const at = words.indexOf(line, from);
      expect([line, at >= from]).toEqual([line, true]);
      from = at;
    }

    const csv = (part: string) => publishedPart(part);
    expect((await csv('appendices')).map((r) => [r.Heading, r['Case studies']])).toEqual([
      ['Appendix 1 - Partner Case Studies', '9'],
      ['Appendix 2 - Supported Internship Case Studies', '3'],
    ]);
    const rows = await csv('case-studies');
    const studies = [...new Map(rows.map((r) => [r.Title, [r.Measure, r.Organisation, r.Author]])).entries()];
    expect(studies).toEqual(
      APPENDICES.flatMap((a) => a.caseStudies).map((c) => [
        c.title,
        [c.measureRef ?? '', c.organisation, c.author ?? ''],
      ]),
    );
  });

  // Every format read back against what the leads typed: each measure's RAG, every paragraph and list item of its
  // progress, its comments, and every case study's sections, not only that the Refs and titles are there.
  it('gives every measure’s RAG, progress and comments, and every case study section, word for word in the published CSV and XLSX', async () => {
    const measures = await publishedPart('measures');
    expect(measures.map((m) => m.Ref)).toEqual(refs);
    for (const m of measures) {
      const entered = SEVENOAKS_2019_20_RETURNS[m.Ref];
      expect([m.Ref, m.RAG, m.Progress, m['Direction of travel & comments'], m.DOT]).toEqual([
        m.Ref,
        ragWord(entered.rag),
        narrativeText(entered.narrative),
        entered.comments ?? '',
        '',
      ]);
    }
    const sections = APPENDICES.flatMap((a) =>
      a.caseStudies.flatMap((c) => c.sections.map((s) => [c.title, s.heading, narrativeText(s.body)])),
    );
    expect((await publishedPart('case-studies')).map((r) => [r.Title, r.Section, r.Text])).toEqual(sections);

    const book = new ExcelJS.Workbook();
    await book.xlsx.load(await download(published('xlsx')));
    const rows = (name: string) => {
      const sheet = book.getWorksheet(name)!;
      const heads = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
      const out: Record<string, { text: string; fill?: string }>[] = [];
      sheet.eachRow((row, n) => {
        if (n === 1) return;
        out.push(
          Object.fromEntries(
            heads.map((h, i) => {
              const cell = row.getCell(i + 1);
              const fill = (cell.fill as { fgColor?: { argb?: string } } | undefined)?.fgColor?.argb;
              return [h, { text: cellText(cell.value), fill }];
            }),
          ),
        );
      });
      return out;
    };
    const sheet = rows('Measures');
    expect(sheet.map((m) => m.Ref.text)).toEqual(refs);
    for (const m of sheet) {
      const entered = SEVENOAKS_2019_20_RETURNS[m.Ref.text];
      expect([
        m.Ref.text,
        m.RAG.text,
        m.RAG.fill,
        m.Progress.text,
        m['Direction of travel & comments'].text,
      ]).toEqual([
        m.Ref.text,
        ragWord(entered.rag),
        `FF${RAG_FILL[entered.rag]}`,
        narrativeText(entered.narrative),
        entered.comments ?? '',
      ]);
    }
    expect(rows('Case studies').map((r) => [r.Title.text, r.Section.text, r.Text.text])).toEqual(sections);
  });

  it('gives every measure a row of its own in the published DOCX: Ref, measure, lead, RAG shaded in its colour, each paragraph and list item at its level, comments', async () => {
    const report = (await call('GET', published(), as.coordinator)).body as {
      themes: { measures: { ref: string; text: string; agency: string }[] }[];
    };
    const planned = new Map(report.themes.flatMap((t) => t.measures).map((m) => [m.ref, m]));
    const xml = await (
      await JSZip.loadAsync(await download(published('docx')))
    )
      .file('word/document.xml')!
      .async('string');
    const rows = docxMeasureRows(xml, new Set(refs));
    expect(rows.map((r) => r.ref)).toEqual(refs);
    for (const row of rows) {
      const entered = SEVENOAKS_2019_20_RETURNS[row.ref];
      expect(row).toEqual({
        ref: row.ref,
        measure: planned.get(row.ref)!.text,
        lead: planned.get(row.ref)!.agency,
        rag: ragWord(entered.rag),
        ragFill: RAG_FILL[entered.rag],
        // narrativeText writes each item as "•" or its number, nested ones indented two spaces a level.
        progress: narrativeText(entered.narrative)
          .split('\n')
          .filter((line) => line.trim() !== '')
          .map((line) => line.replace(/^( *)(?:•|\d+\.) /, (_m, indent: string) => `${indent}• `)),
        dot: '',
        comments: entered.comments ?? '',
      });
    }
    // Every case study section's words, its heading a Heading 4.
    const text = wordText(xml);
    for (const study of APPENDICES.flatMap((a) => a.caseStudies))
      for (const section of study.sections) {
        const words = narrativeText(section.body)
          .replace(/^[ \t]*(?:•|\d+\.)[ \t]+/gm, '')
          .replace(/\s+/g, ' ')
          .trim();
        expect([study.title, section.heading, text.includes(words)]).toEqual([
          study.title,
          section.heading,
          true,
        ]);
        if (section.heading)
          expect(xml).toMatch(
            new RegExp(`<w:pStyle w:val="Heading4"/>(?:(?!</w:p>).)*?>${regex(escapeXml(section.heading))}<`),
          );
      }
  });

  (existsSync('/usr/bin/chromium') ? it : it.skip)(
    'prints every paragraph, list item and comment of every measure, and every case study section, in the published PDF',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'whole-report-words-'));
      const file = join(dir, 'report.pdf');
      writeFileSync(file, Buffer.from(await printed(published('pdf'))));
      // Without -layout, so a paragraph wrapped over lines, columns and pages reads as one run of words; pdftotext
      // drops a hyphen it finds at a line's end ("Multi-" "Agency"), so hyphens are left out on both sides.
      const words = (text: string) => text.replace(/-/g, '').replace(/\s+/g, ' ').trim();
      const pdf = words(execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' }));
      const pieces = (markdown: string) =>
        narrativeText(markdown)
          .split('\n')
          .map((line) => words(line.replace(/^\s*(?:•|\d+\.)\s+/, '')))
          .filter(Boolean);
      for (const ref of refs) {
        const entered = SEVENOAKS_2019_20_RETURNS[ref];
        for (const piece of [
          ...pieces(entered.narrative),
          ...(entered.comments ? [words(entered.comments)] : []),
        ])
          expect([ref, piece, pdf.includes(piece)]).toEqual([ref, piece, true]);
      }
      for (const study of APPENDICES.flatMap((a) => a.caseStudies))
        for (const section of study.sections)
          for (const piece of [words(section.heading), ...pieces(section.body)].filter(Boolean))
            expect([study.title, piece, pdf.includes(piece)]).toEqual([study.title, piece, true]);
      rmSync(dir, { recursive: true, force: true });
    },
    60_000,
  );

  it('draws the summary chart of the published page from the counts it prints: a bar a theme, each segment as long as its count', async () => {
    const report = (await call('GET', published(), as.coordinator)).body as PublishedShape;
    const html = Buffer.from(await download(published('html'))).toString('utf8');
    const svg = html.slice(html.indexOf('<svg class="rag-chart"'), html.indexOf('</svg>') + 6);
    const segments = [
      ...svg.matchAll(/<rect [^>]*width="([\d.]+)"[^>]*><title>([^<]+): (\d+) (\w+(?: rated)?)<\/title>/g),
    ].map((m) => ({ theme: unescapeXml(m[2]), count: Number(m[3]), rag: m[4], width: Number(m[1]) }));
    const word: Record<string, string> = {
      green: 'Green',
      amber: 'Amber',
      red: 'Red',
      notRated: 'Not rated',
    };
    expect(segments.map(({ theme, count, rag }) => ({ theme, count, rag }))).toEqual(
      report.themes.flatMap((t) =>
        (['green', 'amber', 'red', 'notRated'] as const)
          .filter((k) => t.counts[k] > 0)
          .map((k) => ({ theme: t.title, count: t.counts[k], rag: word[k] })),
      ),
    );
    // One scale for every segment: a bar's length says its count.
    const perMeasure = segments.map((s) => s.width / s.count);
    for (const each of perMeasure) expect(each).toBeCloseTo(perMeasure[0], 0);
    // And the totals the chart adds up to are the headline's.
    const total = (rag: string) => segments.filter((s) => s.rag === rag).reduce((n, s) => n + s.count, 0);
    expect([total('Green'), total('Amber'), total('Red')]).toEqual([26, 1, 0]);
  });

  it('gives the coordinator’s BI role every approved return word for word, in the plan’s order', async () => {
    const granted = await call('POST', '/partnership/bi-access', as.coordinator);
    expect(granted.status).toBe(201);
    const bi = biConnections(() => product.db.url);
    try {
      const client = await bi.connect(granted.body);
      const { rows } = await client.query(
        `SELECT measure_ref, rag, dot, narrative, comments, agency_id FROM bi.ratings
         WHERE cycle_id = $1 ORDER BY measure_position`,
        [cycleId],
      );
      expect(rows).toEqual(
        refs.map((ref) => ({
          measure_ref: ref,
          rag: SEVENOAKS_2019_20_RETURNS[ref].rag,
          dot: null,
          narrative: SEVENOAKS_2019_20_RETURNS[ref].narrative,
          comments: SEVENOAKS_2019_20_RETURNS[ref].comments ?? null,
          agency_id: SEVENOAKS_2019_20_LEAD_AGENCIES[ref],
        })),
      );
    } finally {
      await bi.end();
    }
  });

  // Issue 12, points 1 and 8: the PDF an officer takes to committee. One landscape print and one portrait print.
  describe('the printed PDF', () => {
    const hasChromium = existsSync('/usr/bin/chromium');
    const dir = mkdtempSync(join(tmpdir(), 'whole-report-pdf-'));
    const norm = (text: string) => text.replace(/\s+/g, ' ');
    // Each file is read once, all its pages in one call (pdftotext ends each page with a form feed). A call per
    // page, over a hundred of them run synchronously, can hold this process (and the api in it) past the api's
    // 65 s keep-alive timeout on a busy machine: the next request then went out on a connection the server was
    // closing (ECONNRESET in a CI run at load average 15).
    const read = new Map<string, string>();
    const once = (key: string, run: () => string) => read.get(key) ?? read.set(key, run()).get(key)!;
    const fileText = (file: string, layout = false) =>
      once(`${file} ${layout}`, () =>
        execFileSync('pdftotext', [...(layout ? ['-layout'] : []), file, '-'], { encoding: 'utf8' }),
      );
    const pageText = (file: string, n: number, layout = false) => fileText(file, layout).split('\f')[n - 1];
    const info = (file: string) =>
      once(`${file} info`, () => execFileSync('pdfinfo', [file], { encoding: 'utf8' }));
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
      writeFileSync(landscape, Buffer.from(await printed(published('pdf'))));
      portrait = join(dir, 'portrait.pdf');
      writeFileSync(portrait, Buffer.from(await printed(`${published('pdf')}&orientation=portrait`)));
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
        for (const [file, text] of [landscape, portrait].map((f) => [f, fileText(f, true)]))
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

    // A long narrative goes on in rows that carry its Ref and RAG, for the page they start; one that shared its
    // first row's page named the measure twice there (S1 on page 3).
    (hasChromium ? it : it.skip)(
      'names each measure as a row once on any page, landscape and portrait',
      () => {
        const word = (rag: string) => rag.charAt(0).toUpperCase() + rag.slice(1);
        // Each measure's two patterns made once, not once for every line of every page.
        const measures = report.themes
          .flatMap((t) => t.measures)
          .map((m) => ({
            ref: m.ref,
            start: new RegExp(`^\\s{0,4}${m.ref}\\s`),
            // A data table's repeated header ("C3 Amber" alone on its line) names the table, not a row.
            tableHeader: new RegExp(`^\\s*${m.ref}\\s+${word(m.rag)}\\s*$`),
          }));
        // Every page and measure named twice, in one expectation rather than one for each of thousands of pairs.
        const twice: [string, number, string][] = [];
        for (const file of [landscape, portrait])
          for (let n = 2; n <= pageCount(file); n++) {
            const lines = pageText(file, n, true).split('\n');
            for (const m of measures) {
              const rows = lines.filter((l) => m.start.test(l) && !m.tableHeader.test(l));
              if (rows.length > 1) twice.push([file, n, m.ref]);
            }
          }
        expect(twice).toEqual([]);
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

  // Last: it opens the next year, which no test before reads.
  it('gives each agency lead the year’s RAG and progress word for word as last cycle’s in next year’s workbook', async () => {
    const next = await openCycle(call, as.coordinator, {
      cycleId: 'year-2-2020-21',
      label: 'Year 2 2020/21',
      periodStart: '2020-04-01',
      periodEnd: '2021-03-31',
      dueDate: '2031-04-30',
    });
    await projectionsSettled(product);
    const inWorkbooks: string[] = [];
    for (const agency of new Set(Object.values(SEVENOAKS_2019_20_LEAD_AGENCIES))) {
      const res = await fetch(`${product.baseUrl}/agency/cycles/${encodeURIComponent(next)}/returns.xlsx`, {
        headers: as.lead(agency),
      });
      expect([agency, res.status]).toEqual([agency, 200]);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await res.arrayBuffer());
      const sheet = book.getWorksheet('Returns')!;
      const heads = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
      sheet.eachRow((row, n) => {
        if (n === 1) return;
        const cell = (heading: string) => cellText(row.getCell(heads.indexOf(heading) + 1).value);
        const ref = cell('Ref');
        inWorkbooks.push(ref);
        const entered = SEVENOAKS_2019_20_RETURNS[ref];
        expect([agency, ref, cell('Last cycle RAG'), cell('Last cycle progress')]).toEqual([
          SEVENOAKS_2019_20_LEAD_AGENCIES[ref],
          ref,
          ragWord(entered.rag),
          entered.narrative,
        ]);
      });
    }
    expect(inWorkbooks.sort()).toEqual([...refs].sort());
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

type PublishedShape = {
  themes: {
    title: string;
    heading: string;
    counts: { green: number; amber: number; red: number; notRated: number };
  }[];
  appendices: {
    heading: string;
    groups: { caseStudies: { title: string; organisation: string }[] }[];
  }[];
};

/** A Word document's text as a reader sees it: paragraphs, cells and line breaks as spaces, entities read. */
function wordText(xml: string): string {
  return unescapeXml(
    xml
      .replace(/<w:br\/>|<w:tab\/>|<\/w:p>/g, ' ')
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' '),
  );
}

const ragWord = (rag: string) => rag.charAt(0).toUpperCase() + rag.slice(1);
/** The colour each format shades a RAG in (the GOV.UK palette the page uses). */
const RAG_FILL: Record<string, string> = { green: '00703C', amber: 'FFBF47', red: 'D4351C' };
const regex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A spreadsheet cell's text, rich or plain. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object' && 'richText' in value) return value.richText.map((r) => r.text).join('');
  return String(value);
}

function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * Each measure's row of the Word report's theme tables, cell by cell: Ref, measure, lead, RAG (and its shading),
 * progress as its paragraphs (a list item "• " indented two spaces a level, as narrativeText writes it), DOT and
 * comments. A row whose first cell is a Ref but has no seven cells (the NEET table's own row under C3) is left out.
 */
function docxMeasureRows(xml: string, refs: Set<string>) {
  const paragraphs = (cell: string) =>
    [...cell.matchAll(/<w:p[ >](?:(?!<\/w:p>).)*<\/w:p>/gs)].map((p) => {
      const level = /<w:ilvl w:val="(\d+)"\/>/.exec(p[0]);
      const text = unescapeXml(p[0].replace(/<w:br\/>/g, '\n').replace(/<[^>]+>/g, ''));
      return level ? `${'  '.repeat(Number(level[1]))}• ${text}` : text;
    });
  return [...xml.matchAll(/<w:tr[ >](?:(?!<\/w:tr>).)*<\/w:tr>/gs)]
    .map((row) => [...row[0].matchAll(/<w:tc>(?:(?!<\/w:tc>).)*<\/w:tc>/gs)].map((c) => c[0]))
    .filter((cells) => cells.length === 7 && refs.has(paragraphs(cells[0]).join('')))
    .map((cells) => {
      // A line break within a paragraph is a line of its own, as narrativeText writes it.
      const [ref, measure, lead, rag, progress, dot, comments] = cells.map((c) =>
        paragraphs(c)
          .flatMap((p) => p.split('\n'))
          .filter((p) => p.trim() !== ''),
      );
      return {
        ref: ref.join(''),
        measure: measure.join('\n'),
        lead: lead.join('\n'),
        rag: rag.join('\n'),
        ragFill: /<w:shd w:fill="([0-9A-F]{6})"/.exec(cells[3])?.[1],
        progress,
        dot: dot.join('\n'),
        comments: comments.join('\n'),
      };
    });
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
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
