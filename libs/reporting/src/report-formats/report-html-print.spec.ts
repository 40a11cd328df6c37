import { createHash } from 'node:crypto';
import { PDFDict, PDFDocument, PDFHexString, PDFName, PDFString } from 'pdf-lib';
import { buildCycleReport } from '../cycle-report/cycle-report.js';
import { approved, reportInput } from '../testing/report-fixture.js';
import { destinationPages, samePages } from './pdf-destinations.js';
import { mendOutline } from './pdf-outline.js';
import { reportContents, reportHeadings } from './report-contents.js';
import { renderReportHtml, reportHtmlPolicy } from './report-html.js';

const NEET = {
  caption: 'Table 1 NEET Not knowns',
  header: ['District', 'Total Cohort', '% NEET'],
  rows: [
    ['Folkestone and Hythe', '2,166', '4.3%'],
    ['Sevenoaks', '1,930', '2.7%'],
  ],
};
const longNarrative = Array.from({ length: 8 }, (_, i) => `Paragraph ${i + 1} ${'words '.repeat(60)}`).join(
  '\n\n',
);

const report = buildCycleReport(
  reportInput({
    returns: [
      approved('S1', 'safe', 'csp', { rag: 'amber', narrative: 'See the table below.', tables: [NEET] }),
      approved('S2', 'safe', 'csp', { rag: 'green', narrative: longNarrative }),
      approved('C1', 'caring', 'sdc', { rag: 'red', narrative: 'Short.' }),
    ],
  }),
);

describe('the report as HTML, laid out for print', () => {
  const screen = renderReportHtml(report);

  it('given a measure with a data table, then the table has a row of its own under the measure, across all six columns', () => {
    const row = screen.indexOf('<tr id="measure-S1">');
    const tables = screen.indexOf('<tr class="measure-tables" id="measure-S1-tables"><td colspan="6">');
    expect(row).toBeGreaterThan(0);
    expect(tables).toBeGreaterThan(row);
    // Not inside the narrative's cell any more.
    const progress = screen.slice(screen.indexOf('<td class="progress">', row), tables);
    expect(progress).not.toContain('<table');
    // It scrolls in its own box on a narrow screen.
    expect(screen.slice(tables)).toMatch(
      /^[^]*?<div class="table-scroll" role="region" aria-label="S1: Table 1 NEET Not knowns" tabindex="0">/,
    );
  });

  it('given a data table, then its repeating header names the measure by Ref and RAG, and its figures stay whole', () => {
    expect(screen).toContain(
      '<thead><tr class="measure-id"><th colspan="3" scope="colgroup"><span class="ref">S1</span><span class="chip rag-amber">Amber</span></th></tr>',
    );
    expect(screen).toContain(
      '<th scope="row" class="label">Folkestone and Hythe</th><td class="num">2,166</td><td class="num">4.3%</td>',
    );
    expect(screen).toMatch(/thead \{ display: table-header-group; \}/);
    expect(screen).toMatch(/td\.num, table\.return-table th\.num \{ white-space: nowrap;/);
    expect(screen).toMatch(/font-variant-numeric: tabular-nums/);
  });

  it('lists the summary, each theme and each appendix in its contents, as links, with no page numbers on screen', () => {
    const entries = reportContents(report);
    expect(entries.map((x) => x.title)).toEqual([
      'Summary',
      ...report.themes.map((t) => t.title),
      ...report.appendices.map((a) => a.heading),
    ]);
    for (const x of entries) {
      expect(screen).toContain(`<li><a href="#${x.id}"><span class="entry">`);
      expect(screen).toContain(`id="${x.id}"`);
    }
    expect(screen).not.toContain('class="page"');
  });

  it('given the pages of a first print, then the contents name them; before it, the boxes are there and empty', () => {
    const first = renderReportHtml(report, {}, { pages: new Map() });
    expect(first.match(/<span class="page"><\/span>/g)).toHaveLength(reportContents(report).length);
    const id = reportContents(report)[1].id;
    const second = renderReportHtml(report, {}, { pages: new Map([[id, 7]]) });
    expect(second).toContain(
      `<a href="#${id}"><span class="entry">Safe Communities</span><span class="page"><span class="visually-hidden">page </span>7</span></a>`,
    );
  });

  it('is served with a policy that allows its own style sheet, by hash, and nothing else', () => {
    for (const orientation of ['landscape', 'portrait'] as const) {
      const html = renderReportHtml(report, {}, { orientation });
      const sheet = /<style>([^]*?)<\/style>/.exec(html)![1];
      const hash = createHash('sha256').update(sheet, 'utf8').digest('base64');
      const policy = reportHtmlPolicy({ orientation });
      expect(policy).toContain(`style-src 'sha256-${hash}'`);
      expect(policy).toMatch(/^default-src 'none';/);
      expect(policy).not.toMatch(/script-src|unsafe/);
    }
  });

  it('given a way back to the service, then it is a plain link at the top, hidden in print, and the policy still allows the sheet', () => {
    const back = { href: '/coordinate/cycles/c-2026', text: 'Back to the cycle’s dashboard' };
    const html = renderReportHtml(report, {}, { back });
    const link = html.indexOf(
      '<p class="back-link"><a href="/coordinate/cycles/c-2026">Back to the cycle’s dashboard</a></p>',
    );
    expect(link).toBeGreaterThan(html.indexOf('<body>'));
    expect(link).toBeLessThan(html.indexOf('<h1>'));
    const sheet = /<style>([^]*?)<\/style>/.exec(html)![1];
    expect(sheet).toMatch(/@media print \{[^]*\.back-link \{ display: none; \}/);
    const hash = createHash('sha256').update(sheet, 'utf8').digest('base64');
    expect(reportHtmlPolicy({})).toContain(`'sha256-${hash}'`);
    // Printing to PDF passes no way back: there is none on paper.
    expect(renderReportHtml(report, {}, { pages: new Map() })).not.toContain('back-link"><a');
    expect(renderReportHtml(report, {}, { back: { href: '/"><x', text: '<b>' } })).toContain(
      '<a href="/&quot;&gt;&lt;x">&lt;b&gt;</a>',
    );
  });

  it('says it is in British English, screen and print alike, so screen readers and spelling checks read it so', () => {
    for (const html of [screen, renderReportHtml(report, {}, { pages: new Map() })]) {
      expect(/<html[^>]*\blang="([^"]*)"/.exec(html)?.[1]).toBe('en-GB');
    }
  });

  it('lies on A4 landscape unless portrait is asked for', () => {
    expect(screen).toContain('@page { size: A4 landscape;');
    expect(renderReportHtml(report, {}, { orientation: 'portrait' })).toContain('@page { size: A4 portrait;');
  });

  it('given a long narrative, in print it goes on in rows that each carry the Ref and RAG; on screen it is one row', () => {
    const printed = renderReportHtml(report, {}, { pages: new Map() });
    const continued = printed.match(/<tr class="continued" id="measure-S2-continued-\d+">[^]*?<\/tr>/g) ?? [];
    expect(continued.length).toBeGreaterThan(0);
    for (const row of continued) {
      expect(row).toContain('<th scope="row"><span class="again">S2</span></th>');
      expect(row).toContain('<td class="rag rag-green"><span class="again">Green</span></td>');
    }
    for (let i = 1; i <= 8; i++) expect(printed).toContain(`<p>Paragraph ${i} `);
    expect(screen).not.toContain('<tr class="continued"');
  });

  it('given the pages of a first print, then a continuation on its row’s page keeps its place but not its Ref and RAG', () => {
    // A link, not shown, to each row of the narrative, so the first print gives their pages.
    expect(renderReportHtml(report, {}, { pages: new Map() })).toContain(
      '<tr class="marks" hidden><td colspan="6"><a href="#measure-S2"></a><a href="#measure-S2-continued-1"></a>',
    );
    const printedOn = (first: number, next: number) =>
      renderReportHtml(
        report,
        {},
        {
          pages: new Map([
            ['measure-S2', first],
            ['measure-S2-continued-1', next],
          ]),
        },
      );
    expect(printedOn(4, 4)).toContain('<tr class="continued same-page" id="measure-S2-continued-1">');
    expect(printedOn(4, 5)).toContain('<tr class="continued" id="measure-S2-continued-1">');
    expect(printedOn(4, 4)).toContain('tr.continued.same-page .again { visibility: hidden; }');
    // A dotted rule between the rows, above and below alike: collapsed borders meet as one, and a solid bottom
    // above won over the dotted top, so it was a solid line as between two measures.
    expect(printedOn(4, 4)).toContain('table.measures tr.continued > * { border-top: 1px dotted #b1b4b6; }');
    expect(printedOn(4, 4)).toContain(
      'table.measures tr:has(+ tr.continued) > * { border-bottom: 1px dotted #b1b4b6; }',
    );
  });

  it('given a link in a narrative or a case study, then on paper its address follows its words', () => {
    const typed =
      'See [the Authority Monitoring Report](https://www.sevenoaks.gov.uk/amr?year=2019&part=1), ' +
      '[**the team**](mailto:team@sevenoaks.gov.uk), <info@sevenoaks.gov.uk> or https://www.kent.gov.uk today.';
    const linked = buildCycleReport(
      reportInput({
        returns: [
          approved('S1', 'safe', 'csp', {
            rag: 'green',
            narrative: typed,
            caseStudies: [{ title: 'Links', agency: 'SDC', sections: [{ heading: '', body: typed }] }],
          }),
        ],
      }),
    );
    const html = renderReportHtml(linked, {}, { pages: new Map() });
    const addressed =
      '<a href="https://www.sevenoaks.gov.uk/amr?year=2019&amp;part=1" rel="noopener noreferrer">the Authority Monitoring Report</a>' +
      '<span class="link-address"> (https://www.sevenoaks.gov.uk/amr?year=2019&amp;part=1)</span>, ' +
      '<a href="mailto:team@sevenoaks.gov.uk" rel="noopener noreferrer"><strong>the team</strong></a>' +
      '<span class="link-address"> (team@sevenoaks.gov.uk)</span>, ' +
      // A link whose words are its address says it once.
      '<a href="mailto:info@sevenoaks.gov.uk" rel="noopener noreferrer">info@sevenoaks.gov.uk</a> or ' +
      '<a href="https://www.kent.gov.uk" rel="noopener noreferrer">https://www.kent.gov.uk</a> today.';
    // In the measure's row and in the appendix's case study.
    expect(html.split(addressed)).toHaveLength(3);
    // Shown in print only: on screen the link is there to follow.
    expect(html).toMatch(
      /\.link-address \{ display: none; \}\n@media print \{[^]*\.link-address \{ display: inline; \}\n\}/,
    );
  });
});

describe('the PDF’s contents and bookmarks', () => {
  /** A PDF as Chromium makes one: named destinations in the catalog's /Dests, an outline of the headings. */
  async function chromiumLike(outlineTitle: string): Promise<Uint8Array> {
    const doc = await PDFDocument.create();
    const pages = [doc.addPage(), doc.addPage(), doc.addPage()];
    const { context } = doc;
    const dest = (i: number) => context.obj([pages[i].ref, PDFName.of('XYZ'), 0, 500, 0]);
    doc.catalog.set(PDFName.of('Dests'), context.obj({ 'theme-safe': dest(1), 'appendix-1': dest(2) }));
    const outlinesRef = context.nextRef();
    const item = context.register(
      context.obj({ Title: PDFString.of(outlineTitle), Parent: outlinesRef, Dest: dest(1) }),
    );
    context.assign(outlinesRef, context.obj({ Type: 'Outlines', First: item, Last: item, Count: 1 }));
    doc.catalog.set(PDFName.of('Outlines'), outlinesRef);
    return doc.save();
  }

  it('reads the page of each named destination, counted from 1', async () => {
    const pages = await destinationPages(await chromiumLike('x'));
    expect([...pages]).toEqual([
      ['theme-safe', 2],
      ['appendix-1', 3],
    ]);
    expect(
      samePages(
        pages,
        new Map([
          ['theme-safe', 2],
          ['appendix-1', 3],
        ]),
      ),
    ).toBe(true);
    expect(
      samePages(
        pages,
        new Map([
          ['theme-safe', 2],
          ['appendix-1', 4],
        ]),
      ),
    ).toBe(false);
  });

  it('gives a bookmark whose words Chromium ran together at a line break its heading back', async () => {
    const heading = reportHeadings(report)[3];
    expect(heading).toBe(report.themes[0].heading);
    const wrapped = heading.replace(/ (\S+)$/, '$1');
    const mended = await PDFDocument.load(
      await mendOutline(await chromiumLike(wrapped), reportHeadings(report)),
    );
    const first = mended.catalog.lookup(PDFName.of('Outlines'), PDFDict).lookup(PDFName.of('First'), PDFDict);
    expect((first.lookup(PDFName.of('Title')) as PDFHexString).decodeText()).toBe(heading);
  });
});
