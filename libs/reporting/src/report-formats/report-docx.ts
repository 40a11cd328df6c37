import {
  AlignmentType,
  Document,
  Footer,
  HeadingLevel,
  LevelFormat,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph,
  ParagraphChild,
  ShadingType,
  Tab,
  Table,
  TableCell,
  TableOfContents,
  TableLayoutType,
  TableRow,
  TabStopType,
  TextRun,
  WidthType,
} from 'docx';
import { Marked, Token, Tokens } from 'marked';
import { xmlCarriable } from '../../../kernel/src/index.js';
import {
  decodeEntities,
  OFFICERS_MARKDOWN,
  officersSource,
  Rag,
  ReturnTable,
} from '../../../returns/src/index.js';
import { AwaitingMeasure, ReportMeasure } from '../cycle-report/cycle-report.js';
import { AnyCycleReport, PublishedMeasure } from '../cycle-report/published-cycle-report.js';
import { dotLabel, ragLabel, ragTrendWords, unreadableNote } from '../cycle-report/report-words.js';
import { reportIntroduction } from '../cycle-report/report-title.js';
import { asAtLine, colophon, dayInWords, PublicationFacts } from './colophon.js';
import { withoutDirectionControls } from './direction-controls.js';
import { evidenceLine } from './evidence-rows.js';
import { indicatorSentence, trendSentence } from './indicator-words.js';
import { printedAddress } from './narrative-text.js';

/** What the document says about where it came from; the publication's number, date and hash, when it is one. */
export interface DocxProvenance {
  published?: PublicationFacts;
}

// Read as every format reads a narrative (OFFICERS_MARKDOWN: no code blocks by indent, no headings).
const lexer = new Marked({ gfm: true, breaks: true }, OFFICERS_MARKDOWN);

/** The RAG colours of the HTML and XLSX, as Word shading: the word is always printed in the cell too. */
const RAG_SHADES: Record<string, { fill: string; text: string }> = {
  green: { fill: '00703C', text: 'FFFFFF' },
  amber: { fill: 'FFBF47', text: '0B0C0C' },
  red: { fill: 'D4351C', text: 'FFFFFF' },
  none: { fill: 'F3F2F1', text: '0B0C0C' },
};
const HEADER_FILL = 'DEE0E2';
/** Data tables print at 8.5 pt, as in the HTML, so that thirteen districts by ten columns fit the width. */
const DATA_SIZE = 17;

const BULLETS = 'report-bullets';
const NUMBERS = 'report-numbers';
/** Word's nine list levels: the seed nests bullets two deep, an agency may nest further. */
const LEVELS = [0, 1, 2, 3, 4, 5, 6, 7, 8];
const BULLET_SIGNS = ['•', '◦', '▪'];
/** Where a list level's text starts (its numbering's left indent, the bullet hanging before it). */
const textIndent = (level: number) => 360 * (level + 1);

/** A4 landscape, 12 mm margins (as the HTML prints), in twentieths of a point. */
// The footer 6 mm from the page's foot, under the 12 mm margin, as the PDF prints its footer.
const PAGE = { width: 11906, height: 16838, margin: 680, footer: 340 };
const TEXT_WIDTH = PAGE.height - 2 * PAGE.margin;

/** The seed's columns and their share of the width: Ref, measure, lead, RAG, progress, DOT, comments. */
const MEASURE_COLUMNS = [5, 15, 10, 7, 41, 8, 14];

// A report read from old data must still open in Word, and say in print what it says.
const clean = (text: string) => withoutDirectionControls(xmlCarriable(text));

/**
 * The most measures a Word report is made for. The docx package builds the whole document as objects before it
 * zips it: 1,000 measures took 2.5 s of the api's only thread and 500 MB, 5,000 took 15 s and 1.1 GB. A monitoring
 * report has tens (Sevenoaks 27); a report this large is for the CSV or the XLSX, which stream.
 */
export const DOCX_MAX_MEASURES = 500;

/** How many measures the Word report of `report` would print, approved and awaited. */
export function docxMeasureCount(report: AnyCycleReport): number {
  return report.themes.reduce((n, t) => n + t.measures.length + t.awaiting.length, 0);
}

/**
 * The report as a Word document that officers edit before it goes to committee, in the seed's structure: title,
 * partnership and year; the summary with the headline and RAG counts; each theme under Heading 1 with its lead
 * agencies, priorities and a Word table of its measures (the header row repeats on every page, the RAG cell is
 * shaded in its colour and says its rating); narratives' lists as Word numbering lists, nested as typed, and
 * their data tables as Word tables across the width of the measures table; the appendices under Heading 1 with
 * their groups (Heading 2) and case studies (Heading 3). What readers need and nothing of the staff's workflow:
 * no approver, version or suggested direction of travel.
 */
export async function renderReportDocx(
  report: AnyCycleReport,
  provenance: DocxProvenance = {},
): Promise<Buffer> {
  const lists = new ListCounter();
  const children: (Paragraph | Table | TableOfContents)[] = [
    new Paragraph({ heading: HeadingLevel.TITLE, children: [new TextRun(clean(report.title))] }),
    new Paragraph({ children: [new TextRun({ text: clean(report.partnership), bold: true })] }),
    new Paragraph({ children: [new TextRun(clean(report.yearHeading))] }),
    ...(report.asAt ? [plain(asAtLine(report.asAt))] : []),
    plain(reportIntroduction(report)),
    ...contents(),
    ...summary(report),
    ...report.themes.flatMap((theme) => themeSection(report, theme, lists)),
    ...appendices(report, lists),
    ...colophonLine(provenance),
  ];
  const document = new Document({
    creator: 'Partner Returns',
    title: clean(report.title),
    description: clean(`${report.partnership}: ${report.yearHeading}`),
    styles: {
      default: {
        // UK English, so Word checks an officer's spelling as British ("organisation", "programme") and does not
        // mark the seed's every other word as wrong.
        document: { run: { font: 'Arial', size: 20, language: { value: 'en-GB' } } },
        // A case study's section heading prints bold in the body's colour, as it did before it was a heading
        // (Word's own Heading 4 is blue italics).
        heading4: { run: { bold: true, italics: false, color: '0B0C0C', size: 20 } },
      },
    },
    numbering: {
      config: [
        {
          reference: BULLETS,
          levels: LEVELS.map((level) => ({
            level,
            format: LevelFormat.BULLET,
            text: BULLET_SIGNS[level % BULLET_SIGNS.length],
            alignment: AlignmentType.LEFT,
            style: { paragraph: { indent: { left: textIndent(level), hanging: 260 } } },
          })),
        },
        { reference: NUMBERS, levels: numberLevels() },
        ...[...lists.starts].map(([reference, from]) => ({ reference, levels: numberLevels(from) })),
      ],
    },
    // Word fills the contents in when it opens the document, after asking to update its fields: the package cannot
    // know which page a heading falls on.
    features: { updateFields: true },
    sections: [
      {
        properties: {
          page: {
            size: { width: PAGE.width, height: PAGE.height, orientation: PageOrientation.LANDSCAPE },
            margin: {
              top: PAGE.margin,
              right: PAGE.margin,
              bottom: PAGE.margin,
              left: PAGE.margin,
              footer: PAGE.footer,
            },
          },
        },
        footers: { default: pageFooter(report) },
        children,
      },
    ],
  });
  return Packer.toBuffer(document);
}

/**
 * The title, and "Page 3 of 32" at the right, on every page, as the PDF prints them (the seed numbers its pages
 * too): an officer sending a page to committee, or reading one back, knows which report and where in it.
 */
function pageFooter(report: AnyCycleReport): Footer {
  const size = 16;
  return new Footer({
    children: [
      new Paragraph({
        tabStops: [{ type: TabStopType.RIGHT, position: TEXT_WIDTH }],
        children: [
          new TextRun({ text: clean(report.title), size }),
          new TextRun({
            children: [new Tab(), 'Page ', PageNumber.CURRENT, ' of ', PageNumber.TOTAL_PAGES],
            size,
          }),
        ],
      }),
    ],
  });
}

function plain(text: string): Paragraph {
  return new Paragraph({ children: [new TextRun(clean(text))] });
}

function heading(level: (typeof HeadingLevel)[keyof typeof HeadingLevel], text: string): Paragraph {
  return new Paragraph({ heading: level, children: [new TextRun(clean(text))] });
}

/**
 * The contents after the title, as the page and the PDF have them: Word's own table of contents over Heading 1
 * (the summary, each theme, each appendix) and Heading 2 (the appendices' groups), each line a link to its
 * heading. Word writes its page numbers when it updates the field, which it offers to do on opening; until then
 * the lines are there without them. The summary starts the next page, as the page's contents break in print.
 */
function contents(): (Paragraph | TableOfContents)[] {
  return [
    new Paragraph({
      spacing: { before: 240 },
      keepNext: true,
      children: [new TextRun({ text: 'Contents', bold: true, size: 28 })],
    }),
    new TableOfContents('Contents', { hyperlink: true, headingStyleRange: '1-2' }),
  ];
}

function summary(report: AnyCycleReport): (Paragraph | Table)[] {
  const h = report.headline;
  const countRow = (label: string, c: { green: number; amber: number; red: number; notRated: number }) => [
    label,
    String(c.green),
    String(c.amber),
    String(c.red),
    String(c.notRated),
  ];
  return [
    new Paragraph({
      heading: HeadingLevel.HEADING_1,
      pageBreakBefore: true,
      children: [new TextRun('Summary')],
    }),
    new Paragraph({ children: [new TextRun({ text: clean(h.text), bold: true, size: 28 })] }),
    plain(`${h.rated} of ${h.measures} measures rated; on target means rated Green.`),
    dataTable(
      {
        caption: 'RAG ratings by theme',
        header: ['Theme', 'Green', 'Amber', 'Red', 'Not rated'],
        rows: [...report.themes.map((t) => countRow(t.title, t.counts)), countRow('All themes', h)],
      },
      TEXT_WIDTH * 0.6,
    ),
  ];
}

function themeSection(
  report: AnyCycleReport,
  theme: AnyCycleReport['themes'][number],
  lists: ListCounter,
): (Paragraph | Table)[] {
  const rows = [
    ...theme.measures.map((m) => ({ position: m.position, ref: m.ref, rows: measureRows(m, lists) })),
    ...theme.awaiting.map((m) => ({ position: m.position, ref: m.ref, rows: [awaitingRow(m)] })),
  ].sort((a, b) => a.position - b.position || a.ref.localeCompare(b.ref));
  const widths = MEASURE_COLUMNS.map((share) => Math.floor((TEXT_WIDTH * share) / 100));
  const header = new TableRow({
    tableHeader: true,
    cantSplit: true,
    children: [
      'Ref',
      'Key Success Measure',
      'Lead',
      'RAG',
      report.yearHeading,
      'DOT',
      'Direction of Travel & comments',
    ].map((text) => headerCell(text)),
  });
  const body = rows.flatMap((r) => r.rows);
  return [
    new Paragraph({
      heading: HeadingLevel.HEADING_1,
      pageBreakBefore: true,
      children: [new TextRun(clean(theme.heading))],
    }),
    ...(theme.leadAgenciesLine ? [plain(theme.leadAgenciesLine)] : []),
    ...(theme.priorities.length
      ? [
          new Table({
            width: { size: TEXT_WIDTH, type: WidthType.DXA },
            columnWidths: [Math.floor(TEXT_WIDTH * 0.12), Math.floor(TEXT_WIDTH * 0.88)],
            rows: theme.priorities.map(
              (p, i) =>
                new TableRow({
                  children: [headerCell(`Priority ${i + 1}`), textCell(p.text)],
                }),
            ),
          }),
          plain(''),
        ]
      : []),
    plain('The monitoring is based on the following agreed key success measures for the above priorities'),
    // The table's title, as the seed sets it over the table and the page gives it as the table's caption: kept
    // with the table's first rows.
    new Paragraph({ keepNext: true, children: [new TextRun({ text: clean(theme.heading), bold: true })] }),
    new Table({
      width: { size: TEXT_WIDTH, type: WidthType.DXA },
      layout: TableLayoutType.FIXED,
      columnWidths: widths,
      rows: [
        header,
        ...(body.length
          ? body
          : [new TableRow({ children: [textCell('No measures in this cycle.', MEASURE_COLUMNS.length)] })]),
      ],
    }),
  ];
}

function measureRows(m: ReportMeasure | PublishedMeasure, lists: ListCounter): TableRow[] {
  const note = unreadableNote(m.unreadable);
  const comments = [
    ...(m.comments ? textParagraphs(m.comments) : []),
    ...evidenceParagraphs(m.evidence),
    ...lastUpdatedParagraphs(m),
  ];
  const progress = [
    ...indicatorParagraphs(m.indicators),
    ...markdown(m.narrative ?? '', lists),
    ...(note ? [new Paragraph({ children: [new TextRun({ text: clean(note), italics: true })] })] : []),
  ];
  const row = new TableRow({
    cantSplit: keepsWhole(measureLines(m)),
    children: [
      textCell(m.ref, 1, true),
      textCell(m.text),
      textCell(m.agency),
      ragCell(m.rag),
      cell(progress),
      cell([plain(dotLabel(m.dot)), ...ragTrendParagraphs(m.trend)]),
      cell(comments.length ? comments : [new Paragraph('')]),
    ],
  });
  // A data table gets the width it needs: a row of its own under the measure, across every column but the Ref.
  const tables = m.tables.map(
    (table) =>
      new TableRow({
        cantSplit: keepsWhole(table.rows.length + (table.caption ? 1 : 0) + (table.header.length ? 1 : 0)),
        children: [
          textCell(m.ref, 1, true),
          cell(
            [dataTable(table, TEXT_WIDTH - Math.floor((TEXT_WIDTH * MEASURE_COLUMNS[0]) / 100) - 200)],
            MEASURE_COLUMNS.length - 1,
          ),
        ],
      }),
  );
  return [row, ...tables];
}

/**
 * Lines of 10 pt text on a landscape page under its margins, the footer and the table's repeated header row: the
 * page is 11906 - 2 * 680 twentieths of a point high, a line about 230.
 */
const PAGE_LINES = 40;

/**
 * Whether a measure's row is kept on one page (Word's "allow row to break across pages" off). A row that breaks
 * goes on at the top of the next page under the repeated header row but with its Ref, measure and RAG cells left
 * behind, so the page does not say whose progress it shows. A short row is therefore kept whole: moved to the
 * next page, it leaves at most its own height blank. A row over half a page may break: kept whole it would leave
 * most of a page blank, and one taller than a page Word cannot keep whole at all (it cuts it off at the page's
 * foot, and the words are lost on paper); such a row starts under its Ref and runs on, under the header row.
 */
function keepsWhole(lines: number): boolean {
  return lines <= PAGE_LINES / 2;
}

/** About how many lines a column of `share` percent of the width takes for `text`, 10 pt Arial. */
function linesIn(text: string, share: number): number {
  // Arial's average letter at 10 pt is about 100 twentieths of a point wide; a cell has its padding.
  const perLine = Math.max(1, Math.floor(((TEXT_WIDTH * share) / 100 - CELL_PADDING) / 100));
  return text.split('\n').reduce((n, line) => n + Math.max(1, Math.ceil(line.length / perLine)), 0);
}

/** The height of a measure's row in lines: its tallest cell's, near enough to tell a short row from a long one. */
function measureLines(m: ReportMeasure | PublishedMeasure): number {
  const [, measure, lead, , progress, , comments] = MEASURE_COLUMNS;
  const indicators = (m.indicators ?? []).length * 2;
  return Math.max(
    linesIn(m.text, measure),
    linesIn(m.agency, lead),
    indicators + linesIn(m.narrative ?? '', progress) + (m.unreadable?.length ? 2 : 0),
    linesIn([m.comments ?? '', evidenceLine(m.evidence) ?? ''].join('\n'), comments) + 1,
  );
}

/**
 * The measure's RAG in each earlier cycle of the plan, under its DOT where the page and the PDF print it ("RAG
 * trend: 2018/19 Red → 2019/20 Amber"; "RAG" said, since an indicator's trend of values is a "Trend:" line in the
 * same row): the Word report had none, so from the second year on it no longer said how a measure had been rated.
 */
function ragTrendParagraphs(trend: ReportMeasure['trend']): Paragraph[] {
  if (!trend.length) return [];
  const words = ragTrendWords(trend);
  return [
    new Paragraph({ children: [new TextRun({ text: clean(`RAG trend: ${words}`), size: DATA_SIZE })] }),
  ];
}

/**
 * The day the measure's return was last approved, under its comments as the page prints it, when the coordinator
 * chose to publish those dates: the Word report left it out, so the document officers edit for committee lost what
 * the page, the PDF and the spreadsheets said.
 */
function lastUpdatedParagraphs(m: ReportMeasure | PublishedMeasure): Paragraph[] {
  if (!('lastUpdated' in m) || !m.lastUpdated) return [];
  return [
    new Paragraph({
      children: [
        new TextRun({ text: `Last updated ${dayInWords(m.lastUpdated)}`, size: DATA_SIZE, color: '505A5F' }),
      ],
    }),
  ];
}

/** A measure's indicators above its narrative, as the HTML has them: one line each, its trend under it. */
function indicatorParagraphs(indicators: ReportMeasure['indicators']): Paragraph[] {
  return (indicators ?? []).flatMap((i) => {
    const trend = trendSentence(i);
    return [
      new Paragraph({ children: [new TextRun({ text: clean(indicatorSentence(i)), bold: true })] }),
      ...(trend ? [new Paragraph({ children: [new TextRun({ text: clean(trend), size: DATA_SIZE })] })] : []),
    ];
  });
}

function awaitingRow(m: AwaitingMeasure): TableRow {
  return new TableRow({
    cantSplit: true,
    children: [
      textCell(m.ref, 1, true),
      textCell(m.text),
      textCell(m.agency),
      ragCell(null),
      cell(
        [
          new Paragraph({
            children: [
              new TextRun({ text: clean(`No approved return yet from ${m.agency}.`), italics: true }),
            ],
          }),
        ],
        3,
      ),
    ],
  });
}

function cell(children: (Paragraph | Table)[], columnSpan = 1): TableCell {
  // Word requires a cell to end in a paragraph, also after a table in it.
  const last = children[children.length - 1];
  const closed = !last || last instanceof Table ? [...children, new Paragraph('')] : children;
  return new TableCell({ children: closed, ...(columnSpan > 1 ? { columnSpan } : {}) });
}

function textCell(text: string, columnSpan = 1, bold = false, size?: number): TableCell {
  return cell(
    [
      new Paragraph({
        children: [new TextRun({ text: clean(text), ...(bold ? { bold } : {}), ...(size ? { size } : {}) })],
      }),
    ],
    columnSpan,
  );
}

function headerCell(text: string, size?: number): TableCell {
  return new TableCell({
    shading: { type: ShadingType.CLEAR, color: 'auto', fill: HEADER_FILL },
    children: [
      new Paragraph({
        children: [new TextRun({ text: clean(text), bold: true, ...(size ? { size } : {}) })],
      }),
    ],
  });
}

/** A cell's margins and borders, in twentieths of a point: a column is this much wider than its text. */
const CELL_PADDING = 230;

/**
 * A data table's column widths (twentieths of a point), by what each holds: a whole data cell ("Folkestone and
 * Hythe") or the longest word of its heading (bold, so wider), whichever is longer, so that a figure or a name
 * is never broken inside itself, as the equal columns of the PDF broke "32,2|40". Every column has its padding,
 * and the text width left is shared by characters.
 */
export function columnWidths(header: string[], rows: string[][], columns: number, width: number): number[] {
  const longestWord = (text: string) => Math.max(0, ...text.split(/\s+/).map((w) => w.length));
  const weights = Array.from({ length: columns }, (_, i) =>
    Math.max(
      3,
      Math.ceil(longestWord(header[i] ?? '') * 1.3),
      ...rows.map((r) => (r[i] ?? '').trim().length),
    ),
  );
  const total = weights.reduce((a, b) => a + b, 0);
  const text = Math.max(0, width - columns * CELL_PADDING);
  return weights.map((w) => CELL_PADDING + Math.floor((text * w) / total));
}

function ragCell(rag: Rag | null): TableCell {
  const shade = RAG_SHADES[rag ?? 'none'];
  return new TableCell({
    shading: { type: ShadingType.CLEAR, color: 'auto', fill: shade.fill },
    children: [
      new Paragraph({ children: [new TextRun({ text: ragLabel(rag), bold: true, color: shade.text })] }),
    ],
  });
}

/** A return's table, or a table typed in a narrative: caption, a repeating header row, rows never split. */
function dataTable(table: ReturnTable, width: number): Table {
  const columns = Math.max(table.header.length, ...table.rows.map((r) => r.length), 1);
  const widths = columnWidths(table.header, table.rows, columns, width);
  const pad = (cells: string[]) => [...cells, ...Array<string>(columns - cells.length).fill('')];
  const rows = [
    ...(table.caption
      ? [
          new TableRow({
            cantSplit: true,
            tableHeader: true,
            children: [
              new TableCell({
                columnSpan: columns,
                children: [
                  new Paragraph({ children: [new TextRun({ text: clean(table.caption), bold: true })] }),
                ],
              }),
            ],
          }),
        ]
      : []),
    ...(table.header.length
      ? [
          new TableRow({
            tableHeader: true,
            cantSplit: true,
            children: pad(table.header).map((text) => headerCell(text, DATA_SIZE)),
          }),
        ]
      : []),
    ...table.rows.map(
      (row) =>
        new TableRow({
          cantSplit: true,
          children: pad(row).map((text) => textCell(text, 1, false, DATA_SIZE)),
        }),
    ),
  ];
  return new Table({
    width: { size: width, type: WidthType.DXA },
    layout: TableLayoutType.FIXED,
    columnWidths: widths,
    rows: rows.length ? rows : [new TableRow({ children: [textCell('')] })],
  });
}

function appendices(report: AnyCycleReport, lists: ListCounter): (Paragraph | Table)[] {
  return report.appendices.flatMap((appendix) => [
    new Paragraph({
      heading: HeadingLevel.HEADING_1,
      pageBreakBefore: true,
      children: [new TextRun(clean(appendix.heading))],
    }),
    ...markdown(appendix.introduction, lists),
    ...appendix.groups.flatMap((group) => [
      ...(group.title ? [heading(HeadingLevel.HEADING_2, group.title)] : []),
      ...group.caseStudies.flatMap((study) => [
        heading(HeadingLevel.HEADING_3, study.title),
        new Paragraph({
          children: [
            new TextRun({
              text: clean([study.organisation, study.author].filter(Boolean).join(' - ')),
              italics: true,
            }),
          ],
        }),
        // The measure it tells of, as the page and the PDF print it under the attribution (the spreadsheets in
        // their Measure column): without it the interns' studies no longer said they were D2's.
        ...(study.measureRef ? [plain(`Measure ${study.measureRef}`)] : []),
        ...study.sections.flatMap((section) => [
          // A heading under the study's, as the page has it: Word's navigation pane lists it.
          ...(section.heading ? [heading(HeadingLevel.HEADING_4, section.heading)] : []),
          ...markdown(section.body, lists),
        ]),
      ]),
    ]),
  ]);
}

function colophonLine(provenance: DocxProvenance): Paragraph[] {
  const p = provenance.published;
  if (!p) return [];
  return [
    new Paragraph({
      spacing: { before: 240 },
      children: [
        new TextRun({
          // The same line as every other format's (issue 12 point 2).
          text: colophon(p),
          size: 16,
          color: '505A5F',
        }),
      ],
    }),
  ];
}

/**
 * Hands each ordered list a Word list instance of its own, so that every one counts from its own start: 1, or
 * the number its first item was typed with ("3.\tThird" continuing a list from Word), as the page and the
 * spreadsheet count it. Word takes a list's start from its numbering definition, so each start has its own.
 */
class ListCounter {
  private next = 0;
  readonly starts = new Map<string, { level: number; start: number }>();
  instance(): number {
    return ++this.next;
  }
  numbers(start: number | '', level: number): string {
    if (typeof start !== 'number' || start === 1) return NUMBERS;
    const reference = `${NUMBERS}-${level}-from-${start}`;
    this.starts.set(reference, { level, start });
    return reference;
  }
}

/** The numbered lists' levels, one of them counting from a start other than 1. */
function numberLevels(from?: { level: number; start: number }) {
  return LEVELS.map((level) => ({
    level,
    format: level % 2 === 0 ? LevelFormat.DECIMAL : LevelFormat.LOWER_LETTER,
    text: `%${level + 1}.`,
    alignment: AlignmentType.LEFT,
    style: { paragraph: { indent: { left: textIndent(level), hanging: 300 } } },
    ...(from?.level === level ? { start: from.start } : {}),
  }));
}

/** The files the coordinator chose, by title only, as the HTML report prints them (see evidenceLine). */
function evidenceParagraphs(titles: readonly string[] | undefined): Paragraph[] {
  const line = evidenceLine(titles);
  return line ? textParagraphs(line) : [];
}

/** Plain text kept as typed, a paragraph per line. */
function textParagraphs(text: string): Paragraph[] {
  return text.split(/\r?\n/).map((line) => plain(line));
}

/**
 * A narrative's Markdown as Word paragraphs: bullets and numbered items as Word numbering lists at the level
 * they are nested to, tables as Word tables, bold and italics kept, links as "words (address)". Raw HTML is
 * kept as the text it is: nothing an agency typed becomes anything but text.
 */
export function markdown(text: string, lists: ListCounter = new ListCounter()): (Paragraph | Table)[] {
  if (!text.trim()) return [];
  let tokens: Token[];
  try {
    tokens = lexer.lexer(officersSource(text));
  } catch {
    // Nesting thousands deep exhausts the parser's stack (see renderNarrative): the text as typed, then.
    return textParagraphs(text);
  }
  return blocks(tokens, lists, null);
}

interface ListPlace {
  reference: string;
  level: number;
  instance: number;
  /** A paragraph after the item's first: no bullet, its left edge under the item's text. */
  under?: boolean;
}

function blocks(tokens: Token[], lists: ListCounter, place: ListPlace | null): (Paragraph | Table)[] {
  return tokens.flatMap((token): (Paragraph | Table)[] => {
    switch (token.type) {
      case 'space':
      case 'hr':
        return [];
      case 'list':
        return list(token as Tokens.List, lists, place);
      case 'table': {
        const table = token as Tokens.Table;
        const row = (cells: Tokens.TableCell[]) => cells.map((c) => inlineText(c.tokens, c.text));
        return [
          dataTable(
            { caption: '', header: row(table.header), rows: table.rows.map(row) },
            Math.floor(TEXT_WIDTH * 0.4),
          ),
          new Paragraph(''),
        ];
      }
      case 'blockquote':
        return blocks((token as Tokens.Blockquote).tokens, lists, place);
      case 'code':
        return textParagraphs((token as Tokens.Code).text);
      case 'paragraph':
      case 'text': {
        const t = token as Tokens.Text;
        return [paragraph(runs(t.tokens ?? [], t.text), place)];
      }
      default:
        return 'raw' in token && String(token.raw).trim()
          ? [paragraph(runs([], String(token.raw).trim()), place)]
          : [];
    }
  });
}

function paragraph(children: ParagraphChild[], place: ListPlace | null): Paragraph {
  if (place?.under) return new Paragraph({ children, indent: { left: textIndent(place.level) } });
  return new Paragraph({
    children,
    ...(place
      ? { numbering: { reference: place.reference, level: place.level, instance: place.instance } }
      : {}),
  });
}

function list(token: Tokens.List, lists: ListCounter, outer: ListPlace | null): (Paragraph | Table)[] {
  const level = outer ? Math.min(outer.level + 1, LEVELS.length - 1) : 0;
  // A numbered list inside a numbered list is one Word list with it, at the next level.
  const numbered = outer?.reference.startsWith(NUMBERS) ? outer : null;
  const place: ListPlace = token.ordered
    ? {
        reference: numbered ? numbered.reference : lists.numbers(token.start, level),
        level,
        instance: numbered ? numbered.instance : lists.instance(),
      }
    : { reference: BULLETS, level, instance: 0 };
  return token.items.flatMap((item) => {
    // The item's first block carries its bullet; what follows in it (a second paragraph) is indented under it.
    const [first, ...rest] = item.tokens.filter((t) => t.type !== 'space');
    if (!first) return [paragraph([], place)];
    const lead =
      first.type === 'list'
        ? [paragraph([], place), ...list(first as Tokens.List, lists, place)]
        : blocks([first], lists, place);
    // A nested list goes one level down; another paragraph of the item is text under it, without a bullet:
    // at the margin it read as a paragraph after the list (as the spreadsheet's did, daf39b2).
    const more = rest.flatMap((t) =>
      t.type === 'list'
        ? list(t as Tokens.List, lists, place)
        : blocks([t], lists, { ...place, under: true }),
    );
    return [...lead, ...more];
  });
}

interface RunStyle {
  bold?: boolean;
  italics?: boolean;
}

function runs(tokens: Token[], fallback: string, style: RunStyle = {}): TextRun[] {
  if (tokens.length === 0) return fallback ? [run(decodeEntities(fallback), style)] : [];
  return tokens.flatMap((token): TextRun[] => {
    switch (token.type) {
      case 'br':
        return [new TextRun({ break: 1 })];
      case 'strong':
        return runs((token as Tokens.Strong).tokens, (token as Tokens.Strong).text, { ...style, bold: true });
      case 'em':
        return runs((token as Tokens.Em).tokens, (token as Tokens.Em).text, { ...style, italics: true });
      case 'link': {
        const link = token as Tokens.Link;
        const words = runs(link.tokens ?? [], link.text, style);
        const address = printedAddress(link);
        return inlineText(link.tokens ?? [], link.text) === address
          ? words
          : [...words, run(` (${address})`, style)];
      }
      case 'image':
        return [run((token as Tokens.Image).text, style)];
      case 'html':
        return [run((token as Tokens.HTML).raw, style)];
      // A code span and an escaped sign are printed as typed, as the page prints them; text comes with its
      // entities decoded (OFFICERS_MARKDOWN).
      default:
        return 'tokens' in token && Array.isArray(token.tokens) && token.tokens.length > 0
          ? runs(token.tokens as Token[], '', style)
          : [run('text' in token ? String(token.text) : String(token.raw), style)];
    }
  });
}

function inlineText(tokens: Token[], fallback: string): string {
  return tokens.length === 0
    ? decodeEntities(fallback)
    : tokens
        .map((t) =>
          'tokens' in t && Array.isArray(t.tokens) && t.tokens.length > 0
            ? inlineText(t.tokens as Token[], '')
            : 'text' in t
              ? String(t.text)
              : String(t.raw),
        )
        .join('');
}

function run(text: string, style: RunStyle): TextRun {
  return new TextRun({ text: clean(text), ...style });
}
