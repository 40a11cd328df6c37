import { PassThrough } from 'node:stream';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { S1 } from '../../../../test/fixtures/sevenoaks-2019-20-returns.js';
import { renderReportCsv } from '../report-formats/report-csv.js';
import { renderReportHtml } from '../report-formats/report-html.js';
import { EXCEL_CELL_LIMIT, writeReportXlsx } from '../report-formats/report-xlsx.js';
import { MALFORMED } from '../../../../test/support/malformed-returns.js';
import { approved, reportInput } from '../testing/report-fixture.js';
import { buildCycleReport } from './cycle-report.js';
import { readableApproval } from './readable-content.js';
import { partWords, unreadableNote } from './report-words.js';

describe('readableApproval: what the log holds, as the report can show it', () => {
  it.each(Object.entries(MALFORMED))(
    'marks what is wrong in %s and keeps the rest',
    (_shape, { data, unreadable }) => {
      const readable = readableApproval({ content: data.content, by: data.by });
      expect(readable.unreadable.map((p) => p.part)).toEqual(unreadable);
      expect(readable.unreadable.every((p) => p.problem.length > 0 && p.problem.length < 200)).toBe(true);
      // Whatever came in, what goes out has the report's shape.
      const { content } = readable;
      expect(Array.isArray(content.tables) && Array.isArray(content.caseStudies)).toBe(true);
      for (const table of content.tables!) {
        expect(typeof table.caption).toBe('string');
        expect(table.header.every((c) => typeof c === 'string')).toBe(true);
        expect(table.rows.every((r) => Array.isArray(r) && r.every((c) => typeof c === 'string'))).toBe(true);
      }
      for (const study of content.caseStudies!) {
        expect([typeof study.title, typeof study.agency]).toEqual(['string', 'string']);
        expect(study.sections.every((s) => typeof s.heading === 'string' && typeof s.body === 'string')).toBe(
          true,
        );
      }
      expect(typeof readable.by).toBe('string');
      // Reading its own result again finds nothing more (the read model stores the result and reads it again).
      const again = readableApproval({ content: readable.content, by: readable.by || 'someone' });
      expect(again).toEqual({ ...readable, by: readable.by || 'someone', unreadable: [] });
    },
  );

  it('keeps a valid return whole and marks nothing', () => {
    const content = {
      rag: 'green',
      dot: 'improving',
      narrative: S1.narrative,
      comments: S1.comments,
      caseStudies: S1.caseStudies,
    };
    expect(readableApproval({ content, by: 'rita@example.org' })).toEqual({
      content: { ...content, tables: [] },
      by: 'rita@example.org',
      unreadable: [],
    });
  });

  it('cuts a huge text at its limit and drops characters no format can carry', () => {
    const { content } = readableApproval({ content: MALFORMED['huge strings'].data.content, by: 'r' });
    expect(content.narrative).toHaveLength(50_000);
    expect(content.comments).toHaveLength(5_000);
    const carried = readableApproval({
      content: MALFORMED['characters no format can carry'].data.content,
      by: 'r',
    });
    expect(carried.content.narrative).toBe('Control chars stay');
    // Characters are counted as the API counted them: an emoji is one, not the two UTF-16 units it takes. So
    // 5,000 emoji the API took are shown whole, unmarked; one more is cut, and never inside a surrogate pair.
    const whole = readableApproval({
      content: { comments: '😀'.repeat(5_000), narrative: '❤️'.repeat(50_000) },
      by: 'r',
    });
    expect(whole.content.comments).toBe('😀'.repeat(5_000));
    expect(whole.content.narrative).toBe('❤️'.repeat(50_000));
    expect(whole.unreadable).toEqual([]);
    const over = readableApproval({ content: { comments: `x${'😀'.repeat(5_000)}` }, by: 'r' });
    expect(over.content.comments).toBe(`x${'😀'.repeat(4_999)}`);
    expect(over.unreadable.map((p) => p.part)).toEqual(['comments']);
  });
});

describe('readableApproval: line endings', () => {
  it('gives every text of a return stored with CRLF or a lone CR (typed in a browser) LF line endings', () => {
    const stored = {
      rag: 'amber',
      narrative: 'Fell.\r\n\r\n- Sevenoaks\r- Swanley',
      comments: 'KCC\r\ndata',
      tables: [{ caption: 'NEET\r\n2020', header: ['Yr12\r\nYr13'], rows: [['1\r\n2']] }],
      caseStudies: [
        { title: 'A\r\nfamily', agency: 'CSP', sections: [{ heading: 'Then\r', body: 'Came.\r\nWent.' }] },
      ],
    };
    const readable = readableApproval({ content: stored, by: 'rita@example.org' });
    expect(readable).toEqual({
      content: {
        rag: 'amber',
        narrative: 'Fell.\n\n- Sevenoaks\n- Swanley',
        comments: 'KCC\ndata',
        tables: [{ caption: 'NEET\n2020', header: ['Yr12\nYr13'], rows: [['1\n2']] }],
        caseStudies: [
          { title: 'A\nfamily', agency: 'CSP', sections: [{ heading: 'Then\n', body: 'Came.\nWent.' }] },
        ],
      },
      by: 'rita@example.org',
      unreadable: [],
    });
    expect(readableApproval(readable)).toEqual(readable);
  });

  it('leaves out a table with nothing but its caption, approved before such a return was refused, in every format', async () => {
    // As the form saved a caption typed into a new table: its empty rows and columns left out, or blank.
    const captionOnly = { caption: 'Table 2 NEET Not knowns', header: [' '], rows: [['', '  ']] };
    const neet = { caption: 'Table 1 NEET', header: ['District'], rows: [['Sevenoaks']] };
    const stored = {
      rag: 'green',
      narrative: 'On target',
      tables: [neet, captionOnly, { ...captionOnly, header: [] }],
    };
    const readable = readableApproval({ content: stored, by: 'rita@example.org' });
    expect(readable.content.tables).toEqual([neet]);
    expect(readable.unreadable).toEqual([]);

    const report = buildCycleReport(reportInput({ returns: [approved('S1', 'safe', 'csp', stored)] }));
    expect(report.themes[0].measures[0].tables).toEqual([neet]);
    const html = renderReportHtml(report);
    expect(html).toContain('<caption>Table 1 NEET</caption>');
    expect(html).not.toContain('NEET Not knowns');
    expect(renderReportCsv(report, 'tables')).not.toContain('NEET Not knowns');
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    await writeReportXlsx(report, output);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const cells = book.getWorksheet('Tables')!.getSheetValues().flat();
    expect(cells).toContain('S1: Table 1 NEET');
    expect(cells.filter((c) => String(c).includes('NEET Not knowns'))).toEqual([]);
  });

  it('puts a narrative stored with CRLF into the report’s JSON with LF', () => {
    const report = buildCycleReport(
      reportInput({ returns: [approved('S1', 'safe', 'csp', { rag: 'green', narrative: 'One.\r\nTwo.' })] }),
    );
    const json = JSON.stringify(report);
    expect(json).toContain('"narrative":"One.\\nTwo."');
    expect(json).not.toContain('\\r');
  });
});

describe('the words for a part that could not be shown', () => {
  it.each([
    ['', 'the whole return'],
    ['rag', 'the RAG rating'],
    ['approvedBy', 'who approved it'],
    ['tables', 'the tables'],
    ['tables/0', 'table 1'],
    ['tables/0/caption', 'the caption of table 1'],
    ['tables/1/header/2', 'heading 3 of table 2'],
    ['tables/0/rows/3', 'row 4 of table 1'],
    ['tables/0/rows/3/2', 'cell 3 of row 4 of table 1'],
    ['caseStudies/1/sections/0/body', 'the text of section 1 of case study 2'],
  ])('%j is "%s"', (part, words) => {
    expect(partWords(part)).toBe(words);
  });

  it('make one note for a measure', () => {
    expect(
      unreadableNote([
        { part: 'tables/0', problem: 'a list where a table belongs' },
        { part: 'rag', problem: '"purple" is not one of red, amber, green' },
      ]),
    ).toBe(
      'Part of this return could not be shown as stored: table 1 (a list where a table belongs); the RAG rating ("purple" is not one of red, amber, green).',
    );
    expect(unreadableNote([])).toBe('');
    expect(unreadableNote(undefined)).toBe('');
  });
});

describe('a report of returns stored malformed', () => {
  const shapes = Object.entries(MALFORMED);
  const refs = shapes.map((_, i) => `M${i + 1}`);
  const small = reportInput();
  const plan = {
    ...small.plan,
    measures: new Map(
      refs.map((ref, i) => [
        ref,
        { ref, themeId: 'safe', text: `Measure ${ref}`, leadAgencyId: 'csp', priorityRef: null, position: i },
      ]),
    ),
  };
  const report = buildCycleReport(
    reportInput({
      plan,
      returns: shapes.map(([, { data }], i) => ({
        ...approved(refs[i], 'safe', 'csp', data.content),
        approved: {
          ...readableApproval({ content: data.content, by: data.by }),
          at: new Date('2020-04-20T10:00:00Z'),
          version: 3,
        },
      })),
    }),
  );
  const measures = report.themes[0].measures;

  it('marks the unreadable parts of each measure and shows the rest', () => {
    expect(measures.map((m) => m.ref)).toEqual(refs);
    shapes.forEach(([shape, { unreadable, shown }], i) => {
      expect([shape, (measures[i].unreadable ?? []).map((p) => p.part)]).toEqual([shape, unreadable]);
      const studies = report.appendices
        .flatMap((a) => a.groups.flatMap((t) => t.caseStudies))
        .filter((c) => c.measureRef === refs[i]);
      const json = JSON.stringify([measures[i], studies]);
      for (const text of shown) expect([shape, text, json.includes(text)]).toEqual([shape, text, true]);
    });
    // A valid measure says nothing about it, as before.
    expect(
      buildCycleReport(reportInput({ returns: [approved('S1', 'safe', 'csp', { rag: 'green' })] })).themes[0]
        .measures[0],
    ).not.toHaveProperty('unreadable');
  });

  it('renders as HTML with a note where a part could not be shown', () => {
    const html = renderReportHtml(report);
    expect(
      html.match(/<p class="unreadable" role="note">Part of this return could not be shown as stored: /g),
    ).toHaveLength(shapes.filter(([, s]) => s.unreadable.length > 0).length);
    expect(html).toContain('case study 1 (a list where a case study belongs)');
    // A row's first cell is its header (a short one kept on one line).
    expect(html).toContain('<th scope="row" class="label">Swanley</th><td>fine</td>');
    expect(html).toContain('Deep quotes stay');
  });

  it('renders as CSV, one record per measure, the note in the progress cell', () => {
    const records = parse(renderReportCsv(report), { bom: true }) as string[][];
    expect(records).toHaveLength(1 + shapes.length);
    expect(records[1][5]).toBe(
      'Valid words stay\n\nPart of this return could not be shown as stored: case study 1 (a list where a case study belongs).',
    );
  });

  it('renders as XLSX that a spreadsheet reader opens, no cell over Excel’s limit', async () => {
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    await writeReportXlsx(report, output);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('Measures')!;
    expect(sheet.rowCount).toBe(1 + shapes.length);
    const cells = sheet
      .getSheetValues()
      .flat()
      .filter((v): v is string => typeof v === 'string');
    expect(Math.max(...cells.map((c) => c.length))).toBeLessThanOrEqual(EXCEL_CELL_LIMIT);
    expect(
      cells.some(
        (c) =>
          c.startsWith('Huge start') &&
          c.endsWith('[cut short: the whole text is in the HTML and CSV report]'),
      ),
    ).toBe(true);
  });
});
