import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { buildCycleReport } from '../cycle-report/cycle-report.js';
import { ReportInput } from '../cycle-report/report-input.js';
import { approved, awaiting, reportInput } from '../testing/report-fixture.js';
import { contentDisposition } from './report-format.js';
import { neutraliseFormula, renderReportCsv, reportCsvChunks } from './report-csv.js';
import { CASE_STUDY_HEADER, SUMMARY_HEADER } from './report-parts.js';
import { ROW_HEADER, reportRows } from './report-rows.js';
import { renderReportHtml } from './report-html.js';
import { writeReportXlsx } from './report-xlsx.js';
import { renderReportDocx } from './report-docx.js';
import JSZip from 'jszip';
import { AnyCycleReport, toPublishedReport } from '../cycle-report/published-cycle-report.js';
import { dayInWords, PublicationFacts } from './colophon.js';

const hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>';

const report = buildCycleReport(
  reportInput({
    partnershipName: `LSP ${hostile}`,
    returns: [
      approved('S1', 'safe', 'csp', {
        rag: 'green',
        narrative: `Intro ${hostile}\n\n- bullet\n  - sub-bullet\n\n[bad](javascript:alert(1))`,
        dot: 'improving',
        comments: `=HYPERLINK("http://evil") ${hostile}`,
        tables: [
          { caption: `NEET ${hostile}`, header: ['District', 'Cohort'], rows: [['Sevenoaks', '1,930']] },
        ],
        caseStudies: [
          {
            title: `Case ${hostile}`,
            agency: 'Kent Police',
            sections: [{ heading: 'The beginning', body: '- Jane' }],
          },
        ],
      }),
      approved('S2', 'safe', 'csp', { rag: 'amber', narrative: 'Second lowest', dot: 'no-change' }),
      approved('C1', 'caring', 'sdc', { rag: 'red', narrative: '£758,817.95 of assistance' }),
      awaiting('S3', 'safe', 'sdc'),
    ],
  }),
);

describe('the report as HTML', () => {
  const html = renderReportHtml(report);

  it('escapes every piece of user text and runs narratives through the sanitiser', () => {
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('javascript:');
    expect(html).toContain('LSP &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('<caption>NEET &lt;script&gt;');
    expect(html).toContain('<ul>\n<li>bullet<ul>\n<li>sub-bullet</li>');
  });

  it('keeps the lines of comments typed on several lines, as the Word report and the spreadsheets do', () => {
    const typed = buildCycleReport(
      reportInput({
        returns: [
          approved('S1', 'safe', 'csp', {
            rag: 'green',
            narrative: 'On target',
            comments: 'Consistently above 85% target\r\n\r\nBased on the Police <assessment>',
          }),
        ],
      }),
    );
    expect(renderReportHtml(typed)).toContain(
      '<td class="comments"><p>Consistently above 85% target<br><br>Based on the Police &lt;assessment&gt;</p>',
    );
  });

  it('is printable on A4 landscape and colours RAG cells while saying the rating in words', () => {
    expect(html).toMatch(/@page \{ size: A4 landscape;/);
    expect(html).toMatch(/@media print \{/);
    expect(html).toContain('<td class="rag rag-green">Green</td>');
    expect(html).toContain('<td class="rag rag-amber">Amber</td>');
    expect(html).toContain('<td class="rag rag-red">Red</td>');
    expect(html).toContain('<td class="rag rag-none">Not rated</td>');
    expect(html).toContain('<p class="headline-text">33% of measures on target</p>');
  });

  it('keeps the seed’s table columns and the plan’s order, awaiting measures in their place', () => {
    expect(html).toContain(
      '<th scope="col">Ref</th><th scope="col">Key Success Measure</th><th scope="col">RAG</th><th scope="col">Year 1 (April 2019 - March 2020)</th><th scope="col">DOT</th><th scope="col">Direction of Travel &amp; comments</th>',
    );
    const order = ['measure-S1', 'measure-S2', 'measure-S3', 'measure-C1'].map((id) =>
      html.indexOf(`id="${id}"`),
    );
    expect(order.every((at, i) => at > 0 && (i === 0 || at > order[i - 1]))).toBe(true);
    expect(html).toContain('Appendix 1 - Partner Case Studies');
  });

  it('draws RAG by theme as an inline SVG labelled in words', () => {
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>') + 6);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title id="rag-chart-title">RAG ratings by theme</title>');
    expect(svg).toContain(
      'Safe Communities: 1 green, 1 amber, 0 red, 1 not rated; Caring Communities: 0 green, 0 amber, 1 red',
    );
    expect(svg).toContain('>1 Green</text>');
    expect(svg).not.toMatch(/<script|href=/);
  });

  it('says where a published report came from in one colophon line at its end, not on the cover', () => {
    const published = renderReportHtml(toPublishedReport(report, { lastUpdatedDates: false }), {
      // 23:30 UTC on 30 April is 1 May in London (BST).
      published: { publication: 2, publishedAt: '2020-04-30T23:30:00.000Z', contentHash: 'ab12' },
    });
    expect(published.match(/class="colophon"/g)).toHaveLength(1);
    expect(published).toContain(
      '<footer><p class="colophon">Publication 2, published 1 May 2020. Content hash: ab12</p></footer>',
    );
    expect(published).not.toContain('SHA-256');
    expect(published.indexOf('colophon">')).toBeGreaterThan(published.indexOf('Appendix 1'));
  });

  it('prints the title and the year heading once on the cover, the year heading over each progress column', () => {
    const cover = html.slice(html.indexOf('<header>'), html.indexOf('</header>'));
    expect(cover.match(/Community Plan Annual Monitoring Report 2019\/20/g)).toHaveLength(1);
    expect(cover.match(/Year 1 \(April 2019 - March 2020\)/g)).toHaveLength(1);
    expect(html).not.toContain('(April 2019 - March 2020) (April 2019 - March 2020)');
    expect(html).not.toContain('Year 1 2019/20');
  });
});

describe('a publication', () => {
  const staffHtml = renderReportHtml(report);
  const published = toPublishedReport(report, { lastUpdatedDates: false });
  const facts = { publication: 1, publishedAt: '2020-05-01T09:00:00.000Z', contentHash: 'ab12' };

  it('keeps the approver, version and suggested DOT in the staff’s working view', () => {
    expect(staffHtml).toContain('by rita@example.org (version');
    expect(staffHtml).toContain('Suggested by the RAGs');
    expect(report.themes[0].measures[0]).toMatchObject({ approvedBy: 'rita@example.org' });
  });

  it('carries no staff member’s email, no version and no suggested DOT, in any format', async () => {
    const measure = published.themes[0].measures[0] as Record<string, unknown>;
    for (const field of ['approvedBy', 'approvedAt', 'version', 'suggestedDot', 'lastUpdated'])
      expect([field, field in measure]).toEqual([field, false]);
    const json = JSON.stringify(published);
    const html = renderReportHtml(published, { published: facts });
    const csv = renderReportCsv(published, 'measures', facts);
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (c: Buffer) => chunks.push(c));
    await writeReportXlsx(published, output, facts);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as never);
    const cells = book.worksheets
      .flatMap((sheet) => sheet.getSheetValues().flat())
      .map((v) => String(v ?? ''))
      .join('\n');
    for (const [format, text] of [
      ['json', json],
      ['html', html],
      ['csv', csv],
      ['xlsx', cells],
    ]) {
      expect([
        format,
        /rita@example\.org|approvedBy|"version"|version \d|\bVersion\b|Suggested by|SHA-256|Approved \d/.exec(
          text,
        )?.[0] ?? null,
      ]).toEqual([format, null]);
    }
    expect(csv.split('\r\n')[0]).toBe(
      '\ufeffTheme,Ref,Key success measure,Agency,RAG,Progress,Tables,DOT,Previous RAG,Direction of travel & comments,RAG trend,Theme lead agencies,Theme priorities',
    );
    expect(csv.trimEnd().split('\r\n').at(-1)).toBe(
      '"Publication 1, published 1 May 2020. Content hash: ab12",,,,,,,,,,,,',
    );
    expect(cells).toContain('Publication 1, published 1 May 2020. Content hash: ab12');
  });

  it('prints the day each measure was last updated only when the coordinator chose it', () => {
    const dated = toPublishedReport(report, { lastUpdatedDates: true });
    const day = dated.themes[0].measures[0].lastUpdated!;
    expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(renderReportHtml(dated, { published: facts })).toContain(
      `<p class="approval">Last updated ${dayInWords(day)}</p>`,
    );
    expect(renderReportCsv(dated, 'measures', facts).split('\r\n')[0]).toMatch(
      /,Last updated,RAG trend,Theme lead agencies,Theme priorities$/,
    );
    expect(renderReportHtml(published, { published: facts })).not.toContain('Last updated');
    // Read back, a dated publication keeps its dates and an undated one gets none.
    expect(toPublishedReport(dated, { lastUpdatedDates: false }).themes[0].measures[0].lastUpdated).toBe(day);
  });

  it('gives each spreadsheet column the width of its heading, in a publication as in the staff’s view', async () => {
    const widths = async (book: ExcelJS.Workbook) => {
      const sheet = book.getWorksheet('Measures')!;
      return Object.fromEntries(
        (sheet.getRow(1).values as unknown[])
          .slice(1)
          .map((heading, i) => [String(heading), sheet.getColumn(i + 1).width]),
      );
    };
    const staff = await widths(await writtenWorkbook(report));
    const dated = toPublishedReport(report, { lastUpdatedDates: true });
    for (const book of [await writtenWorkbook(published, facts), await writtenWorkbook(dated, facts)]) {
      const columns = await widths(book);
      // The workflow's columns are left out, and the rest keep their widths: comments were 12 wide.
      for (const [heading, width] of Object.entries(columns))
        if (heading !== 'Last updated') expect([heading, width]).toEqual([heading, staff[heading]]);
      expect(columns['Direction of travel & comments']).toBe(40);
    }
    // After the columns of the first release, in their places, and before those added since (the RAG trend).
    expect(Object.keys(await widths(await writtenWorkbook(dated, facts))).slice(-4)).toEqual([
      'Last updated',
      'RAG trend',
      'Theme lead agencies',
      'Theme priorities',
    ]);
  });
});

describe('the report as CSV', () => {
  const csv = renderReportCsv(report);

  it('lists every measure in order, narratives as plain text with bullets, with a BOM for spreadsheets', () => {
    expect(csv.startsWith('\ufeffTheme,Ref,Key success measure,Agency,RAG,Progress,Tables,DOT')).toBe(true);
    const lines = csv.slice(1).split('\r\n');
    expect(lines[1]).toMatch(/^Safe Communities,S1,Measure S1,Community Safety Partnership,Green,"Intro /);
    expect(csv).toContain('• bullet\n  • sub-bullet');
    expect(csv).toContain(
      'NEET <script>alert(""x"")</script><img src=x onerror=alert(1)>\nDistrict | Cohort\nSevenoaks | 1,930',
    );
    expect(csv).toContain(
      'Caring Communities,C1,Measure C1,Sevenoaks District Council,Red,"£758,817.95 of assistance"',
    );
    expect(csv).toContain(
      'Safe Communities,S3,Measure S3,Sevenoaks District Council,Not rated,No approved return yet',
    );
  });

  it('never lets a cell start a formula', () => {
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")`);
    expect(neutraliseFormula('+1+cmd')).toBe("'+1+cmd");
    expect(neutraliseFormula('-1.6%+1')).toBe("'-1.6%+1");
    expect(neutraliseFormula('-1.6% ')).toBe("'-1.6% ");
    expect(neutraliseFormula('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(neutraliseFormula('• fine')).toBe('• fine');
    expect(neutraliseFormula(3)).toBe(3);
  });

  it.each([
    ['spaces before =', '   =cmd|" /C calc"!A0'],
    ['a tab before =', '\t=1+1'],
    ['a line feed before +', '\n+1'],
    ['a no-break space before @', '\u00a0@SUM(A1)'],
    ['a zero-width space before =', '\u200b=1'],
    ['a byte order mark before -', '\ufeff-2+3'],
    ['a full-width =', '\uff1dHYPERLINK("http://evil")'],
    ['a full-width +', '\uff0b1'],
    ['a full-width -', '\uff0d1'],
    ['a full-width @', '\uff20SUM(A1)'],
    ['a small =', '\ufe66cmd'],
    ['a minus sign', '\u22121+2'],
    ['a minus sign before words', '\u2212cmd'],
    ['a minus sign before a figure with more after it', '\u22121.6% '],
    ['a leading tab alone', '\tplain'],
    ['a leading carriage return alone', '\rplain'],
    ['a leading NUL', '\u0000=1'],
    ['a leading escape character', '\u001bplain'],
    ['a leading space before a signed figure with more after it', ' -2+3'],
    ['a leading tab before a signed figure', '\t-5'],
  ])('guards a cell that starts with %s', (_what, cell) => {
    expect(neutraliseFormula(cell)).toBe(`'${cell}`);
  });

  it.each([
    ['plain words'],
    ['  indented words'],
    ['1,930'],
    ['£758,817.95'],
    ['x = y'],
    [''],
    ['-1.6%'],
    ['+2'],
    ['-1,200.5'],
    ['-.5'],
    // The evidence CSV check's line too (kernel's runsAsSpreadsheetFormula): spaces between the sign and the
    // figure, or before the sign, and it is still a figure a spreadsheet reads and never runs.
    ['- 5'],
    [' -0.3'],
    ['\ufeff-5'],
    // The minus sign (U+2212) a council's Word document puts in a figure: a figure too, that runs nothing.
    ['\u22121.6%'],
    ['\u221212'],
    ['\u22121,234.5'],
  ])('leaves %j as it is', (cell) => {
    expect(neutraliseFormula(cell)).toBe(cell);
  });

  it('quotes every cell with a line feed, a carriage return, a quote or a comma (RFC 4180)', () => {
    const built = buildCycleReport(
      reportInput({
        returns: [
          approved('S1', 'safe', 'csp', { rag: 'green', narrative: 'First line\nsecond line' }),
          approved('S2', 'safe', 'csp', { rag: 'red', narrative: 'say "hello", twice' }),
        ],
      }),
    );
    // A report built now has LF line endings only (readableApproval), but a publication made before holds what
    // was typed, CR and CRLF too, and its CSV is rendered from its stored JSON: so they are put in here.
    const comments: Record<string, string> = { S1: 'a bare\rcarriage return', S2: 'CRLF\r\nhere' };
    const awkward = {
      ...built,
      themes: built.themes.map((t) => ({
        ...t,
        measures: t.measures.map((m) => (comments[m.ref] ? { ...m, comments: comments[m.ref] } : m)),
      })),
    };
    const text = renderReportCsv(awkward);
    expect(text).toContain('"First line\nsecond line"');
    expect(text).toContain('"a bare\rcarriage return"');
    expect(text).toContain('"say ""hello"", twice"');
    expect(text).toContain('"CRLF\r\nhere"');
    const records = parse(text, { bom: true }) as string[][];
    expect(records).toHaveLength(1 + 2);
    expect(records.every((r) => r.length === ROW_HEADER.length)).toBe(true);
    expect(records[1][5]).toBe('First line\nsecond line');
    expect(records[1][10]).toBe('a bare\rcarriage return');
    expect(records[2][5]).toBe('say "hello", twice');
    expect(records[2][10]).toBe('CRLF\r\nhere');
  });

  it('parses back, with a real CSV parser, into exactly the cells of the report', () => {
    const records = parse(csv, { bom: true }) as string[][];
    expect(records).toEqual([
      [...ROW_HEADER],
      ...reportRows(report).map((r) => r.cells.map((c) => String(neutraliseFormula(c)))),
    ]);
  });
});

describe('the RAG trend in the CSV and the spreadsheet', () => {
  // A Year 3 report: "Previous RAG" alone says Year 2's rating and loses Year 1's.
  const year3 = buildCycleReport(
    reportInput({
      returns: [
        approved('S1', 'safe', 'csp', { rag: 'green', narrative: 'On target', dot: 'improving' }),
        awaiting('S3', 'safe', 'sdc'),
      ],
      pastCycles: [
        {
          cycleId: 'y1',
          label: 'Year 1 2019/20',
          periodStart: '2019-04-01',
          periodEnd: '2020-03-31',
          ratings: new Map([['S1', 'red']]),
        },
        {
          cycleId: 'y2',
          label: 'Year 2 2020/21',
          periodStart: '2020-04-01',
          periodEnd: '2021-03-31',
          ratings: new Map([['S1', 'amber']]),
        },
      ],
    }),
  );
  const facts = { publication: 1, publishedAt: '2022-05-01T09:00:00.000Z', contentHash: 'ab12' };
  const dated = toPublishedReport(year3, { lastUpdatedDates: true });
  // The columns as they were before the trend: a spreadsheet or the BI feed reads them by place and name.
  const before = {
    staff: [
      'Theme',
      'Ref',
      'Key success measure',
      'Agency',
      'RAG',
      'Progress',
      'Tables',
      'DOT',
      'DOT suggested by RAGs',
      'Previous RAG',
      'Direction of travel & comments',
      'Approved by',
      'Approved at',
      'Version',
    ],
    dated: [
      'Theme',
      'Ref',
      'Key success measure',
      'Agency',
      'RAG',
      'Progress',
      'Tables',
      'DOT',
      'Previous RAG',
      'Direction of travel & comments',
      'Last updated',
    ],
  };

  it('carries every earlier cycle’s RAG in a column after all the others, which keep their places', async () => {
    for (const [view, csv, columns] of [
      ['staff', renderReportCsv(year3), before.staff],
      ['dated', renderReportCsv(dated, 'measures', facts), before.dated],
    ] as const) {
      const [header, s1, s3] = parse(csv, { bom: true }) as string[][];
      expect([view, header.slice(0, columns.length + 1)]).toEqual([view, [...columns, 'RAG trend']]);
      expect([view, s1[header.indexOf('RAG trend')], s1[header.indexOf('Previous RAG')]]).toEqual([
        view,
        'Year 1 2019/20 Red → Year 2 2020/21 Amber',
        'Amber',
      ]);
      expect([view, s3[1], s3[header.indexOf('RAG trend')]]).toEqual([view, 'S3', '']);
    }
    for (const book of [await writtenWorkbook(year3), await writtenWorkbook(dated, facts)]) {
      const sheet = book.getWorksheet('Measures')!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1);
      const trend = header.indexOf('RAG trend') + 1;
      expect(sheet.getRow(2).getCell(trend).value).toBe('Year 1 2019/20 Red → Year 2 2020/21 Amber');
      expect(sheet.getColumn(trend).width).toBe(30);
    }
  });
});

describe('each theme’s lead agencies and priorities in the CSV and the spreadsheet', () => {
  const safe = [
    'Community Safety Partnership',
    'Priority 1: Deliver the CSP plan\nPriority 2: Keep crime low',
  ];
  const caring = ['Sevenoaks District Council', ''];

  it('gives them on each of the theme’s measures, awaited ones too, after every other column', () => {
    const [header, ...rows] = parse(renderReportCsv(report), { bom: true }) as string[][];
    expect(header.slice(-2)).toEqual(['Theme lead agencies', 'Theme priorities']);
    expect(rows.map((r) => [r[1], ...r.slice(-2)])).toEqual([
      ['S1', ...safe],
      ['S2', ...safe],
      ['S3', ...safe],
      ['C1', ...caring],
    ]);
  });

  it('lists them in a Themes sheet beside the Summary, a row per theme', async () => {
    const book = await writtenWorkbook(report);
    expect(book.worksheets.map((w) => w.name).slice(0, 3)).toEqual(['Summary', 'Themes', 'Measures']);
    const sheet = book.getWorksheet('Themes')!;
    const values = [1, 2, 3].map((r) => (sheet.getRow(r).values as unknown[]).slice(1).map((v) => v ?? ''));
    expect(values).toEqual([
      ['Theme', 'Ambition', 'Lead agencies', 'Priorities'],
      ['Safe Communities', 'A safer place to live work and travel', ...safe],
      ['Caring Communities', '', ...caring],
    ]);
  });
});

describe('a report as it stood at an instant', () => {
  // 12:00 UTC on 30 April 2020 was 1:00pm in London (BST): the stored instant read an hour out as UK time.
  const then = buildCycleReport(
    reportInput({
      returns: [approved('S1', 'safe', 'csp', { rag: 'green', narrative: 'On target' })],
      asAt: new Date('2020-04-30T12:00:00Z'),
    }),
  );
  const line = 'As it stood at 1:00pm on 30 April 2020';

  it('says when in words on a London clock, in the page, the spreadsheet and the Word report', async () => {
    expect(renderReportHtml(then)).toContain(`<p class="provenance">${line}</p>`);
    const summary = (await writtenWorkbook(then)).getWorksheet('Summary')!;
    expect(summary.getCell('A4').value).toBe(line);
    const zip = await JSZip.loadAsync(await renderReportDocx(then));
    const xml = await zip.file('word/document.xml')!.async('string');
    expect(xml).toContain(`>${line}</w:t>`);
    expect(xml).not.toContain('2020-04-30T12');
  });
});

describe('the report as CSV in parts', () => {
  const part = (name: Parameters<typeof renderReportCsv>[1]) =>
    parse(renderReportCsv(report, name), { bom: true }) as string[][];

  it('gives the headline and the RAG counts by theme and for all themes as the summary', () => {
    expect(part('summary')).toEqual([
      [...SUMMARY_HEADER],
      ['Safe Communities', '3', '2', '1', '1', '0', '1', '50', '50% of measures on target'],
      ['Caring Communities', '1', '1', '0', '0', '1', '0', '0', '0% of measures on target'],
      ['All themes', '4', '3', '1', '1', '1', '1', '33', '33% of measures on target'],
    ]);
  });

  it('leaves the on-target share empty where nothing is rated', () => {
    const none = buildCycleReport(reportInput({ returns: [awaiting('S3', 'safe', 'sdc')] }));
    const rows = parse(renderReportCsv(none, 'summary'), { bom: true }) as string[][];
    expect(rows[rows.length - 1]).toEqual([
      'All themes',
      '1',
      '0',
      '0',
      '0',
      '0',
      '1',
      '',
      'No measures rated yet',
    ]);
  });

  it('lists the appendices, and each case study section with its appendix, measure and organisation', () => {
    expect(part('appendices')).toEqual([
      ['Appendix', 'Heading', 'Title', 'Introduction', 'Case studies'],
      ['1', 'Appendix 1 - Partner Case Studies', 'Partner Case Studies', '', '1'],
    ]);
    const studies = part('case-studies');
    expect(studies[0]).toEqual([...CASE_STUDY_HEADER]);
    expect(studies.slice(1)).toEqual([
      [
        'Appendix 1 - Partner Case Studies',
        'Safe Communities',
        'S1',
        `Case ${hostile}`,
        'Kent Police',
        '',
        'The beginning',
        '• Jane',
      ],
    ]);
  });

  it('gives every cell of every measure’s tables a record of its own, with its table, row and column', () => {
    const tabled = buildCycleReport(
      reportInput({
        returns: [
          approved('C3', 'caring', 'sdc', {
            rag: 'amber',
            tables: [
              {
                caption: 'Table 1 NEET',
                header: ['District', 'Cohort', '% NEET'],
                rows: [
                  ['Kent', '32,240', '3.6%'],
                  ['Sevenoaks', '1,930', '=2+2'],
                  ['Dartford', '\u2212120', '\u22121.6%'],
                ],
              },
              { caption: '', header: ['Year', 'Visits'], rows: [['2019/20', '41']] },
            ],
          }),
          approved('S1', 'safe', 'csp', { rag: 'green' }),
        ],
      }),
    );
    const rows = parse(renderReportCsv(tabled, 'tables'), { bom: true }) as string[][];
    expect(rows).toEqual([
      ['Ref', 'Table', 'Caption', 'Row', 'Column', 'Column heading', 'Cell'],
      ['C3', '1', 'Table 1 NEET', '1', '1', 'District', 'Kent'],
      ['C3', '1', 'Table 1 NEET', '1', '2', 'Cohort', '32,240'],
      ['C3', '1', 'Table 1 NEET', '1', '3', '% NEET', '3.6%'],
      ['C3', '1', 'Table 1 NEET', '2', '1', 'District', 'Sevenoaks'],
      ['C3', '1', 'Table 1 NEET', '2', '2', 'Cohort', '1,930'],
      ['C3', '1', 'Table 1 NEET', '2', '3', '% NEET', "'=2+2"],
      ['C3', '1', 'Table 1 NEET', '3', '1', 'District', 'Dartford'],
      ['C3', '1', 'Table 1 NEET', '3', '2', 'Cohort', '\u2212120'],
      ['C3', '1', 'Table 1 NEET', '3', '3', '% NEET', '\u22121.6%'],
      ['C3', '2', '', '1', '1', 'Year', '2019/20'],
      ['C3', '2', '', '1', '2', 'Visits', '41'],
    ]);
  });

  it('comes in pieces of a few thousand records that make the same file, also for 300,000 cells', () => {
    const big = {
      caption: 'Cells',
      header: Array.from({ length: 30 }, (_, i) => `H${i + 1}`),
      rows: Array.from({ length: 500 }, (_, r) => Array.from({ length: 30 }, (_, c) => `${r}.${c}`)),
    };
    const maxed = buildCycleReport(
      reportInput({
        returns: [
          approved('C3', 'caring', 'sdc', { rag: 'amber', tables: Array.from({ length: 20 }, () => big) }),
        ],
      }),
    );
    const chunks = [...reportCsvChunks(maxed, 'tables')];
    // The header, then 300,000 records 2,000 at a time.
    expect(chunks).toHaveLength(1 + 150);
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThan(100_000);
    const records = parse(chunks.join(''), { bom: true }) as string[][];
    expect(records).toHaveLength(1 + 300_000);
    expect(records.at(-1)).toEqual(['C3', '20', 'Cells', '500', '30', 'H30', '499.29']);
    // The measures and a publication's colophon come the same way.
    expect([...reportCsvChunks(report, 'measures')].join('')).toBe(renderReportCsv(report));
  });

  it('ends every part of a publication with its colophon, so a file taken alone says what it is from', () => {
    const facts = { publication: 3, publishedAt: '2020-05-01T09:00:00.000Z', contentHash: 'ab12' };
    const line = 'Publication 3, published 1 May 2020. Content hash: ab12';
    const published = toPublishedReport(report, { lastUpdatedDates: false });
    for (const name of [
      'measures',
      'summary',
      'tables',
      'indicators',
      'appendices',
      'case-studies',
    ] as const) {
      const csv = renderReportCsv(published, name, facts);
      const records = parse(csv, { bom: true }) as string[][];
      // The last record, its line in the first cell and every other cell empty, as wide as the header; RFC 4180.
      expect([name, records.at(-1)]).toEqual([name, [line, ...records[0].slice(1).map(() => '')]]);
      expect([name, csv.endsWith(`"${line}"${','.repeat(records[0].length - 1)}\r\n`)]).toEqual([name, true]);
      expect([name, csv.split(line).length - 1]).toEqual([name, 1]);
      // Streamed in chunks, the same file.
      expect([name, [...reportCsvChunks(published, name, facts)].join('') === csv]).toEqual([name, true]);
      // The live report is no publication: it has none.
      expect([name, renderReportCsv(report, name)]).not.toContain('Content hash');
    }
  });

  it('keeps the measures as the default part, and guards formulas in every part', () => {
    expect(renderReportCsv(report, 'measures')).toBe(renderReportCsv(report));
    const hostileStudy = buildCycleReport(
      reportInput({
        returns: [
          approved('S1', 'safe', 'csp', {
            rag: 'green',
            caseStudies: [{ title: '=cmd|" /C calc"!A0', agency: '@SUM(A1)', sections: [] }],
          }),
        ],
      }),
    );
    const rows = parse(renderReportCsv(hostileStudy, 'case-studies'), { bom: true }) as string[][];
    expect(rows[1].slice(3, 5)).toEqual([`'=cmd|" /C calc"!A0`, "'@SUM(A1)"]);
  });
});

/** The workbook as the response receives it, read back with exceljs's reader. */
async function writtenWorkbook(of: AnyCycleReport, published?: PublicationFacts): Promise<ExcelJS.Workbook> {
  const output = new PassThrough();
  const chunks: Buffer[] = [];
  output.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeReportXlsx(of, output, published);
  const book = new ExcelJS.Workbook();
  // exceljs declares the older Buffer type.
  await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
  return book;
}

describe('the report as XLSX', () => {
  it('holds the dates as Excel dates shown the UK way, so a column sorts and filters by them; the CSV keeps ISO', async () => {
    const cell = (book: ExcelJS.Workbook, column: string, row: number) => {
      const sheet = book.getWorksheet('Measures')!;
      const at = (sheet.getRow(1).values as unknown[]).indexOf(column);
      return sheet.getRow(row).getCell(at);
    };
    // 10:00 UTC on 20 April 2020 was 11:00 in London (BST).
    const staff = await writtenWorkbook(report);
    expect(cell(staff, 'Approved at', 2).value).toEqual(new Date(Date.UTC(2020, 3, 20, 11, 0)));
    expect(cell(staff, 'Approved at', 2).numFmt).toBe('dd/mm/yyyy hh:mm');
    const dated = toPublishedReport(report, { lastUpdatedDates: true });
    const facts = { publication: 1, publishedAt: '2020-05-01T09:00:00.000Z', contentHash: 'ab12' };
    const book = await writtenWorkbook(dated, facts);
    expect(cell(book, 'Last updated', 2).value).toEqual(new Date(Date.UTC(2020, 3, 20)));
    expect(cell(book, 'Last updated', 2).numFmt).toBe('dd/mm/yyyy');
    // A measure still awaited has no date: a blank cell, found by a filter's "(Blanks)", not an empty text.
    const awaitedRow = (book.getWorksheet('Measures')!.getColumn(2).values as unknown[]).indexOf('S3');
    expect(cell(book, 'Last updated', awaitedRow).value).toBeNull();
    const csv = parse(renderReportCsv(dated, 'measures', facts), { bom: true, columns: true }) as Record<
      string,
      string
    >[];
    expect(csv[0]['Last updated']).toBe('2020-04-20');
    expect(
      (parse(renderReportCsv(report), { bom: true, columns: true }) as Record<string, string>[])[0][
        'Approved at'
      ],
    ).toBe('2020-04-20T10:00:00.000Z');
  });

  it('keeps each list sheet’s heading row in view as it scrolls, the Case studies and Appendices too', async () => {
    const book = await writtenWorkbook(report);
    // Summary is a page to read and Tables holds blocks, each with its own header: no one row heads them.
    const lists = ['Themes', 'Measures', 'Appendices', 'Case studies', 'Indicators', 'Evidence'];
    for (const name of lists) {
      const view = book.getWorksheet(name)!.views[0] as { state?: string; ySplit?: number } | undefined;
      expect([name, view?.state, view?.ySplit]).toEqual([name, 'frozen', 1]);
    }
  });

  it('prints every sheet on A4 landscape, its columns fitted to the page’s width, as the seed lies', async () => {
    const book = await writtenWorkbook(report);
    for (const sheet of book.worksheets) {
      const { paperSize, orientation, fitToPage, fitToWidth, fitToHeight } = sheet.pageSetup;
      expect([sheet.name, paperSize, orientation, fitToPage, fitToWidth, fitToHeight]).toEqual([
        sheet.name,
        9,
        'landscape',
        true,
        1,
        0,
      ]);
    }
  });

  it('has a summary, the measures with coloured and worded RAG cells, the tables and the case studies', async () => {
    const book = await writtenWorkbook(report);
    // In the published report's order: the summary, each theme's opening (ambition, lead agencies, priorities)
    // and its measures, what is printed in and under a measure's row (in the Measures sheet's column order), then
    // the appendices and their case studies. The indicators and evidence came last, after the case studies.
    expect(book.worksheets.map((s) => s.name)).toEqual([
      'Summary',
      'Themes',
      'Measures',
      'Indicators',
      'Tables',
      'Evidence',
      'Appendices',
      'Case studies',
    ]);
    const summary = book.getWorksheet('Summary')!;
    expect(summary.getCell('A1').value).toBe(report.title);
    expect(summary.getCell('A5').value).toBe('33% of measures on target');
    expect(summary.getCell('A6').value).toBe('3 of 4 measures rated; on target means rated Green');
    const counts: unknown[][] = [];
    summary.eachRow((row, n) => {
      if (n >= 8) counts.push((row.values as unknown[]).slice(1));
    });
    expect(counts).toEqual([
      [...SUMMARY_HEADER],
      ['Safe Communities', 3, 2, 1, 1, 0, 1, 50, '50% of measures on target'],
      ['Caring Communities', 1, 1, 0, 0, 1, 0, 0, '0% of measures on target'],
      ['All themes', 4, 3, 1, 1, 1, 1, 33, '33% of measures on target'],
    ]);
    const measures = book.getWorksheet('Measures')!;
    expect((measures.getRow(1).values as unknown[]).slice(1, 6)).toEqual([
      'Theme',
      'Ref',
      'Key success measure',
      'Agency',
      'RAG',
    ]);
    expect(measures.getCell('B2').value).toBe('S1');
    expect(measures.getCell('E2').value).toBe('Green');
    expect(measures.getCell('E2').fill).toMatchObject({ fgColor: { argb: 'FF00703C' } });
    expect(measures.getCell('E3').value).toBe('Amber');
    // A formula-looking comment stays text, formatted as Text so that editing it in Excel cannot make it a formula;
    // other text keeps the General format.
    expect(measures.getCell('K2').value).toBe(`=HYPERLINK("http://evil") ${hostile}`);
    expect(measures.getCell('K2').formula).toBeUndefined();
    expect(measures.getCell('K2').numFmt).toBe('@');
    expect(measures.getCell('F2').numFmt).toBeUndefined();
  });

  it('keeps a typed _x003D_ as typed: a workbook reads it as the character it codes', async () => {
    const coded = '_x003D_HYPERLINK("http://evil") and _x0041_';
    const book = await writtenWorkbook(
      buildCycleReport(
        reportInput({
          returns: [
            approved('S1', 'safe', 'csp', {
              rag: 'green',
              narrative: 'Plain',
              comments: coded,
              tables: [{ caption: 'Codes', header: ['Code', coded], rows: [['_x0041_', '1']] }],
            }),
          ],
        }),
      ),
    );
    expect(book.getWorksheet('Measures')!.getCell('K2').value).toBe(coded);
    const tables = book.getWorksheet('Tables')!;
    expect([tables.getCell('B2').value, tables.getCell('A3').value]).toEqual([coded, '_x0041_']);
  });

  it('has the tables as blocks with their figures as numbers, the appendices and the case studies', async () => {
    const book = await writtenWorkbook(report);
    const tables = book.getWorksheet('Tables')!;
    expect(tables.getCell('A2').value).toBe('District');
    expect(tables.getCell('B3').value).toBe(1930);
    expect(tables.getCell('B3').numFmt).toBe('#,##0');
    const appendices = book.getWorksheet('Appendices')!;
    expect((appendices.getRow(2).values as unknown[]).slice(1)).toEqual([
      1,
      'Appendix 1 - Partner Case Studies',
      'Partner Case Studies',
      '',
      1,
    ]);
    const studies = book.getWorksheet('Case studies')!;
    expect((studies.getRow(1).values as unknown[]).slice(1)).toEqual([...CASE_STUDY_HEADER]);
    expect((studies.getRow(2).values as unknown[]).slice(1)).toEqual([
      'Appendix 1 - Partner Case Studies',
      'Safe Communities',
      'S1',
      `Case ${hostile}`,
      'Kent Police',
      '',
      'The beginning',
      '• Jane',
    ]);
  });

  it('starts a list item’s second paragraph and broken lines under the item’s text, not at the margin', async () => {
    const narrative = [
      'Work this quarter:',
      '',
      '- Patrols in Swanley',
      '',
      '  They ran on Friday nights.',
      '- Letters sent',
      '  to 42 households',
      '  - by the CSP',
      '',
      '    and by the council',
      '',
      '10. Tenth point',
      '',
      '    Its second paragraph',
    ].join('\n');
    const book = await writtenWorkbook(
      buildCycleReport(
        reportInput({ returns: [approved('S1', 'safe', 'csp', { rag: 'green', narrative })] }),
      ),
    );
    const measures = book.getWorksheet('Measures')!;
    expect(measures.getCell('F1').value).toBe('Progress');
    expect(measures.getCell('F2').value).toBe(
      [
        'Work this quarter:',
        '',
        '• Patrols in Swanley',
        '  They ran on Friday nights.',
        '• Letters sent',
        '  to 42 households',
        '  • by the CSP',
        '    and by the council',
        '',
        '10. Tenth point',
        '    Its second paragraph',
      ].join('\n'),
    );
  });

  it('writes the figures of a return table as numbers shown as typed, and everything else as text', async () => {
    const neet = {
      caption: 'Table 1 NEET Not knowns',
      header: [
        'Yr12 & Yr13 NEET Summary',
        'Total Cohort Yr12 & Yr13',
        '% NEET Yr12 & Yr13',
        'Target Yr12 & Yr13 Jan 2018',
        'Diff from target',
        'Note',
      ],
      rows: [
        ['Kent', '32,240', '3.6%', '2.0%', '-1.6%', 'n/a'],
        ['Sevenoaks', '1,930', '2.0', '429', '+0.5%', '1-2'],
        // The minus sign (U+2212) a council's Word document puts in a figure.
        ['Dartford', '\u22121.6%'],
        // Figures in direction isolates, as pasted from a right-to-left document: figures all the same.
        ['Tonbridge', '\u20661,930\u2069', '\u2068-1.6%\u2069'],
      ],
    };
    const book = await writtenWorkbook(
      buildCycleReport(
        reportInput({ returns: [approved('C3', 'caring', 'sdc', { rag: 'amber', tables: [neet] })] }),
      ),
    );
    const tables = book.getWorksheet('Tables')!;
    const cell = (address: string) => {
      const c = tables.getCell(address);
      return { type: c.type, value: c.value, numFmt: c.numFmt };
    };
    const { Number: number, String: text } = ExcelJS.ValueType;
    // Row 1 is the caption, row 2 the header: text, as typed.
    expect(cell('A1')).toMatchObject({ type: text, value: 'C3: Table 1 NEET Not knowns' });
    expect(cell('D2')).toMatchObject({ type: text, value: 'Target Yr12 & Yr13 Jan 2018' });
    expect(cell('A3')).toMatchObject({ type: text, value: 'Kent' });
    expect(cell('B3')).toEqual({ type: number, value: 32240, numFmt: '#,##0' });
    expect(cell('C3')).toEqual({ type: number, value: 0.036, numFmt: '0.0%' });
    expect(cell('D3')).toEqual({ type: number, value: 0.02, numFmt: '0.0%' });
    expect(cell('E3')).toEqual({ type: number, value: -0.016, numFmt: '0.0%' });
    expect(cell('F3')).toMatchObject({ type: text, value: 'n/a' });
    expect(cell('B4')).toEqual({ type: number, value: 1930, numFmt: '#,##0' });
    expect(cell('C4')).toEqual({ type: number, value: 2, numFmt: '0.0' });
    expect(cell('D4')).toEqual({ type: number, value: 429, numFmt: '0' });
    expect(cell('E4')).toEqual({ type: number, value: 0.005, numFmt: '"+"0.0%;-0.0%;"+"0.0%' });
    expect(cell('F4')).toMatchObject({ type: text, value: '1-2' });
    expect(cell('B5')).toEqual({ type: number, value: -0.016, numFmt: '0.0%;"\u2212"0.0%' });
    expect(cell('B6')).toEqual({ type: number, value: 1930, numFmt: '#,##0' });
    expect(cell('C6')).toEqual({ type: number, value: -0.016, numFmt: '0.0%' });
    // Each column as wide as its longest header or cell (the caption runs on over its neighbours).
    expect(tables.columns.map((c) => c.width)).toEqual([26, 26, 20, 29, 18, 10]);
  });

  it('holds every measure and table of a report written over many turns, in the plan’s order', async () => {
    // More rows than the writer puts out in one turn of the event loop (ROWS_PER_TURN).
    const refs = Array.from({ length: 450 }, (_, i) => `M${i + 1}`);
    const small = reportInput();
    const plan = {
      ...small.plan,
      measures: new Map(
        refs.map((ref, i) => [
          ref,
          {
            ref,
            themeId: 'safe',
            text: `Measure ${ref}`,
            leadAgencyId: 'csp',
            priorityRef: null,
            position: i,
          },
        ]),
      ),
    } as ReportInput['plan'];
    const returns = refs.map((ref, i) =>
      i % 3 === 2
        ? awaiting(ref, 'safe', 'csp')
        : approved(ref, 'safe', 'csp', {
            rag: 'red',
            tables: [{ caption: `Table ${ref}`, header: ['Ref'], rows: [[ref]] }],
          }),
    );
    const book = await writtenWorkbook(buildCycleReport(reportInput({ plan, returns })));

    const measures = book.getWorksheet('Measures')!;
    expect(measures.rowCount).toBe(1 + 450);
    expect(measures.getColumn(2).values.slice(2)).toEqual(refs);
    expect(measures.getCell('E451').value).toBe('Not rated');
    expect(measures.getCell('E450').value).toBe('Red');
    expect(measures.getCell('E450').fill).toMatchObject({ fgColor: { argb: 'FFD4351C' } });
    const tables = book.getWorksheet('Tables')!;
    // Each table is caption, header, one row and a blank line.
    expect(tables.getCell(`A${4 * 300 - 3}`).value).toBe('M449: Table M449');
    expect(tables.getCell(`A${4 * 300 - 1}`).value).toBe('M449');
    expect(book.getWorksheet('Summary')!.getCell('A5').value).toBe('0% of measures on target');
  });
});

describe('file names', () => {
  it('say which report the file holds', () => {
    const names = { partnershipId: 'sevenoaks-lsp', cycleId: 'y1-2019-20' };
    expect(contentDisposition('pdf', names)).toBe('inline; filename="sevenoaks-lsp-y1-2019-20-report.pdf"');
    expect(contentDisposition('csv', { ...names, asAt: new Date('2020-04-30T12:00:00Z') })).toBe(
      'attachment; filename="sevenoaks-lsp-y1-2019-20-report-as-at-20200430T120000Z.csv"',
    );
    expect(contentDisposition('xlsx', { ...names, publication: 2 })).toBe(
      'attachment; filename="sevenoaks-lsp-y1-2019-20-report-publication-2.xlsx"',
    );
    expect(contentDisposition('csv', { ...names, publication: 2, part: 'case-studies' })).toBe(
      'attachment; filename="sevenoaks-lsp-y1-2019-20-report-publication-2-case-studies.csv"',
    );
    expect(contentDisposition('csv', { ...names, part: 'measures' })).toBe(
      'attachment; filename="sevenoaks-lsp-y1-2019-20-report.csv"',
    );
    expect(contentDisposition('docx', names)).toBe(
      'attachment; filename="sevenoaks-lsp-y1-2019-20-report.docx"',
    );
  });
});
