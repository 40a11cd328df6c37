import { createHash } from 'node:crypto';
import { escapeHtml } from '../../../mail/src/index.js';
import { renderNarrative, ReturnTable } from '../../../returns/src/index.js';
import { AwaitingMeasure, ReportMeasure } from '../cycle-report/cycle-report.js';
import { AnyCycleReport, PublishedMeasure, workflowOf } from '../cycle-report/published-cycle-report.js';
import { dotLabel, ragLabel, unreadableNote } from '../cycle-report/report-words.js';
import { reportIntroduction } from '../cycle-report/report-title.js';
import { evidenceLine } from './evidence-rows.js';
import { asAtLine, colophon, dayInWords, PublicationFacts } from './colophon.js';
import { narrativeChunks } from './narrative-chunks.js';
import { ragChartSvg } from './rag-chart-svg.js';
import { indicatorsHtml } from './indicator-html.js';
import { appendixId, contentsHtml, ContentsPages, reportContents, themeId } from './report-contents.js';
import { ReportOrientation } from './report-format.js';

/** What the page says about where the report came from: now, as at an instant, or a publication. */
export interface ReportProvenance {
  published?: PublicationFacts;
}

const e = escapeHtml;

/** How the page is laid out: A4 landscape unless asked otherwise; `pages` only when printing to PDF. */
export interface ReportLayout {
  orientation?: ReportOrientation;
  /** The page of each section for the contents, known after a first print (empty on that print). */
  pages?: ContentsPages;
  /**
   * Where a reader opening the report in a browser goes back to in the service (issue 13 point 10): a plain
   * link at the top that is not printed. Absent when printing to PDF.
   */
  back?: { href: string; text: string };
}

const STYLE = `
* { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; font-size: 10pt; line-height: 1.35; color: #0b0c0c;
  margin: 0 auto; padding: 16px; max-width: 1200px; }
h1 { font-size: 20pt; margin: 0 0 8px; }
h2 { font-size: 15pt; margin: 24px 0 6px; }
h3 { font-size: 12pt; margin: 16px 0 6px; }
h4 { font-size: 11pt; margin: 12px 0 4px; }
h5 { font-size: 10pt; margin: 8px 0 2px; }
p { margin: 0 0 6px; }
ul, ol { margin: 0 0 6px; padding-left: 18px; }
/* A content hash is one long word: on a narrow screen it breaks rather than widen the page. */
code, .colophon { overflow-wrap: anywhere; }
.back-link { margin: 0 0 12px; }
.back-link a { color: #1d70b8; }
.provenance { border-left: 6px solid #1d70b8; padding: 6px 10px; background: #f3f2f1; margin: 8px 0; }
.headline-text { font-size: 14pt; font-weight: bold; margin: 12px 0 6px; }
.rag-counts { list-style: none; padding: 0; display: flex; gap: 8px; flex-wrap: wrap; }
.rag-counts li { padding: 3px 8px; font-weight: bold; }
.rag-chart { max-width: 900px; display: block; margin: 8px 0 16px; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #505a5f; padding: 4px 6px; vertical-align: top; text-align: left; }
thead th { background: #dee0e2; }
table.measures { table-layout: fixed; }
table.measures col.ref { width: 5%; } table.measures col.measure { width: 16%; }
table.measures col.rag { width: 7%; } table.measures col.progress { width: 46%; }
table.measures col.dot { width: 10%; } table.measures col.comments { width: 16%; }
table.measures caption, table.return-table caption { text-align: left; font-weight: bold; padding: 4px 0; }
table.priorities { margin-bottom: 8px; } table.priorities th { width: 12%; white-space: nowrap; }
/* A data table gets the whole width of the report in its own row under its measure; on a narrow screen it
   scrolls in its own box rather than the page. Figures are never split: no breaking inside words or numbers,
   tabular figures, numbers kept on one line. */
tr.measure-tables > td { padding: 4px 6px 8px; }
.table-scroll { overflow-x: auto; max-width: 100%; }
/* Six columns need some width: on a narrow screen the measures scroll sideways in their box, not the page. */
@media screen { table.measures { min-width: 720px; } }
table.return-table { margin: 6px 0; font-size: 8.5pt; font-variant-numeric: tabular-nums;
  overflow-wrap: normal; word-break: normal; hyphens: manual; }
table.return-table td.num, table.return-table th.num { white-space: nowrap; text-align: right; }
table.return-table tbody th { font-weight: normal; }
/* The rows that carry on a long narrative read as one with the row above: a dotted rule between them. Collapsed
   borders meet as one, and the solid bottom of the row above won over the dotted top, so both are dotted (the
   same width, so nothing moves). */
table.measures tr.continued > * { border-top: 1px dotted #b1b4b6; }
table.measures tr:has(+ tr.continued) > * { border-bottom: 1px dotted #b1b4b6; }
tr.continued .again { font-size: 8pt; }
/* A continuation that the first print put on the same page as the row before it: its Ref and RAG are already on
   that page, so they are not said again. Hidden, not removed, so the page lies exactly as it was measured. */
tr.continued.same-page .again { visibility: hidden; }
table.return-table .label { white-space: nowrap; }
table.return-table tr.measure-id th { background: #ffffff; font-weight: normal; border: 0; padding: 0 0 4px; }
.measure-id .ref { font-weight: bold; margin-right: 6px; }
nav.contents ol { list-style: none; padding: 0; max-width: 900px; }
nav.contents li { margin: 0 0 2px; }
/* Each line is a link at least 24px high, so that a finger can choose one (WCAG 2.2 target size). */
nav.contents a { display: flex; gap: 8px; color: inherit; min-height: 24px; align-items: center; }
nav.contents .entry { flex: 1 1 auto; }
nav.contents .page { flex: 0 0 3em; text-align: right; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
  white-space: nowrap; }
td.progress { overflow-wrap: anywhere; }
/* Each column of the measures is fixed: a word longer than its column (a pasted address, a reference) ran over
   the next column, and off the page's edge in the comments, where the PDF lost it. The data tables in their own
   row keep their figures whole (table.return-table). */
table.measures > tbody > tr > td { overflow-wrap: anywhere; }
.rag { font-weight: bold; }
.rag-green { background: #00703c; color: #ffffff; }
.rag-amber { background: #ffbf47; color: #0b0c0c; }
.rag-red { background: #d4351c; color: #ffffff; }
.rag-none { background: #f3f2f1; color: #0b0c0c; }
.chip { display: inline-block; padding: 0 4px; font-size: 8pt; font-weight: bold; }
.indicators { list-style: none; padding: 0; margin: 0 0 6px; font-size: 9pt; }
.indicators li { margin-bottom: 2px; } .indicator-name { font-weight: bold; }
.sparkline { vertical-align: middle; }
.suggested, .trend, .approval { font-size: 8pt; color: #505a5f; margin-top: 4px; }
.suggested.differs { color: #0b0c0c; font-weight: bold; }
tr.awaiting td { color: #505a5f; font-style: italic; }
.unreadable { border-left: 4px solid #d4351c; padding-left: 6px; margin-top: 6px; }
.case-study { border-top: 1px solid #b1b4b6; padding-top: 6px; margin-top: 10px; }
.organisation { color: #505a5f; }
/* A link's words and its printed address each keep their own direction: a direction override (U+202E) typed in
   the words, or before them, ran on over the address, and an address written backwards showed as another. */
a, .link-address { unicode-bidi: isolate; }
/* A link's address is for paper, where the link cannot be followed (see addressesOnPaper). */
.link-address { display: none; }
@media print {
  body { padding: 0; max-width: none; font-size: 9pt; }
  .rag, .chip, .rag-counts li, thead th, .provenance, .rag-chart { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.theme, section.appendix { break-before: page; }
  thead { display: table-header-group; }
  /* A measure stays whole on its page where it fits; its data table follows it and, when it runs over,
     repeats its header with the measure's Ref and RAG on each page. */
  table.measures > tbody > tr:not(.measure-tables) { break-inside: avoid; }
  .table-scroll { overflow: visible; }
  table.return-table tr { break-inside: avoid; }
  nav.contents { break-after: page; }
  /* The way back to the service is for the screen only: paper has nowhere to go back to. */
  .back-link { display: none; }
  h2, h3, h4, caption { break-after: avoid; }
  a { color: inherit; text-decoration: none; }
  .link-address { display: inline; }
}
`;

/**
 * The report as one printable page (A4 landscape), laid out like the seed: title, partnership and period; the
 * headline with the chart; each theme with its table of measures; the appendix of case studies. Every piece of
 * user text is escaped, narratives and case-study bodies go through renderNarrative, RAG cells are coloured and
 * say their rating in words.
 */
export function renderReportHtml(
  report: AnyCycleReport,
  provenance: ReportProvenance = {},
  layout: ReportLayout = {},
): string {
  const h = report.headline;
  const counts = [
    ['rag-green', `Green: ${h.green}`],
    ['rag-amber', `Amber: ${h.amber}`],
    ['rag-red', `Red: ${h.red}`],
    ['rag-none', `Not rated: ${h.notRated}`],
  ];
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(report.title)}</title>
<style>${reportStyle(layout)}</style>
</head>
<body>
${layout.back ? `<p class="back-link"><a href="${e(layout.back.href)}">${e(layout.back.text)}</a></p>` : ''}
<header>
<h1>${e(report.title)}</h1>
<p class="partnership">${e(report.partnership)}</p>
<p class="year-heading">${e(report.yearHeading)}</p>
${provenanceBlock(report, provenance)}
<p class="intro">${e(reportIntroduction(report))}</p>
</header>
${contentsHtml(reportContents(report), layout.pages)}
<section class="headline" aria-labelledby="headline-heading">
<h2 id="headline-heading">Summary</h2>
<p class="headline-text">${e(h.text)}</p>
<p>${h.rated} of ${h.measures} measures rated; on target means rated Green.</p>
<ul class="rag-counts">${counts.map(([cls, text]) => `<li class="rag ${cls}">${e(text)}</li>`).join('')}</ul>
${ragChartSvg(report)}
</section>
${report.themes.map((theme) => themeSection(report, theme, layout.pages)).join('\n')}
${appendices(report)}
${provenance.published ? `<footer><p class="colophon">${e(colophon(provenance.published))}</p></footer>` : ''}
</body>
</html>
`;
}

/** The page's one style sheet, inline so that the HTML is one file (and Chromium prints it with no network). */
export function reportStyle(layout: ReportLayout = {}): string {
  return `@page { size: A4 ${layout.orientation ?? 'landscape'}; margin: 12mm; }${STYLE}`;
}

/**
 * The Content-Security-Policy the report's HTML is served with. The service's own policy allows styles from its
 * own origin only, which would leave the report's inline style sheet unapplied (no colours, no layout); this one
 * allows exactly that sheet, by its hash, and nothing else: no scripts, no requests, no frames.
 */
export function reportHtmlPolicy(layout: ReportLayout = {}): string {
  const hash = createHash('sha256').update(reportStyle(layout), 'utf8').digest('base64');
  return `default-src 'none'; style-src 'sha256-${hash}'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
}

/** A publication says where it came from in its colophon, at the end; the cover is the readers'. */
function provenanceBlock(report: AnyCycleReport, provenance: ReportProvenance): string {
  if (provenance.published) return '';
  if (report.asAt) return `<p class="provenance">${e(asAtLine(report.asAt))}</p>`;
  return '';
}

function themeSection(
  report: AnyCycleReport,
  theme: AnyCycleReport['themes'][number],
  pages: ContentsPages | undefined,
): string {
  const rows = [
    ...theme.measures.map((m) => ({
      position: m.position,
      ref: m.ref,
      html: measureRow(m, pages) + measureTables(m),
    })),
    ...theme.awaiting.map((m) => ({ position: m.position, ref: m.ref, html: awaitingRow(m) })),
  ].sort((a, b) => a.position - b.position || a.ref.localeCompare(b.ref));
  const priorities = theme.priorities.length
    ? `<table class="priorities"><tbody>${theme.priorities
        .map((p, i) => `<tr><th scope="row">Priority ${i + 1}</th><td>${e(p.text)}</td></tr>`)
        .join('')}</tbody></table>`
    : '';
  return `<section class="theme" id="${e(themeId(theme.themeId))}">
<h2>${e(theme.heading)}</h2>
${theme.leadAgenciesLine ? `<p class="lead-agencies">${e(theme.leadAgenciesLine)}</p>` : ''}
${priorities}
<p>The monitoring is based on the following agreed key success measures for the above priorities</p>
<div class="table-scroll" role="region" aria-label="${e(theme.title)}: measures" tabindex="0">
<table class="measures">
<caption>${e(theme.heading)}</caption>
<colgroup><col class="ref"><col class="measure"><col class="rag"><col class="progress"><col class="dot"><col class="comments"></colgroup>
<thead><tr><th scope="col">Ref</th><th scope="col">Key Success Measure</th><th scope="col">RAG</th><th scope="col">${e(report.yearHeading)}</th><th scope="col">DOT</th><th scope="col">Direction of Travel &amp; comments</th></tr></thead>
<tbody>
${rows.map((r) => r.html).join('\n') || '<tr><td colspan="6">No measures in this cycle.</td></tr>'}
</tbody>
</table>
</div>
</section>`;
}

function ragClass(rag: string | null): string {
  return rag === 'green' || rag === 'amber' || rag === 'red' ? `rag-${rag}` : 'rag-none';
}

/**
 * `pages` is given when printing (see PdfPrinter.print): empty on the first print, then the page each row of a
 * long narrative started on, read from the first print's named destinations.
 */
function measureRow(m: ReportMeasure | PublishedMeasure, pages?: ContentsPages): string {
  const print = pages !== undefined;
  // Who approved it, the version and the suggested DOT are the staff's working view: a publication has none.
  const workflow = workflowOf(m);
  // In print a long narrative goes over several rows, each starting with its measure's Ref and RAG (see
  // narrativeChunks); on screen it is one row.
  const [first = '', ...more] = m.narrative ? (print ? narrativeChunks(m.narrative) : [m.narrative]) : [];
  const narrative = first ? addressesOnPaper(renderNarrative(first)) : '';
  const note = unreadableNote(m.unreadable);
  const unreadable = note ? `<p class="unreadable" role="note">${e(note)}</p>` : '';
  const suggestedDot = workflow?.suggestedDot ?? null;
  const differs = suggestedDot !== null && m.dot !== null && suggestedDot !== m.dot;
  const trend = m.trend.length
    ? `<p class="trend">Trend: ${m.trend
        .map((t) => `${e(t.label)} <span class="chip ${ragClass(t.rag)}">${ragLabel(t.rag)}</span>`)
        .join(' → ')}</p>`
    : '';
  const suggested = suggestedDot
    ? `<p class="suggested${differs ? ' differs' : ''}">Suggested by the RAGs: ${dotLabel(suggestedDot)}</p>`
    : '';
  // The files the coordinator chose, by title: plain text, so nothing in the report leads to a file.
  const chosen = evidenceLine(m.evidence);
  const evidence = chosen ? `<p class="evidence">${e(chosen)}</p>` : '';
  const approval = workflow
    ? `<p class="approval">${e(m.agency)}. Approved ${e(workflow.approvedAt.slice(0, 10))} by ${e(workflow.approvedBy)} (version ${workflow.version})</p>`
    : 'lastUpdated' in m && m.lastUpdated
      ? `<p class="approval">Last updated ${e(dayInWords(m.lastUpdated))}</p>`
      : '';
  return `<tr id="measure-${e(m.ref)}">
<th scope="row">${e(m.ref)}</th>
<td>${e(m.text)}</td>
<td class="rag ${ragClass(m.rag)}">${ragLabel(m.rag)}</td>
<td class="progress">${indicatorsHtml(m.indicators)}${narrative}${more.length ? '' : unreadable}</td>
<td class="dot"><p>${e(dotLabel(m.dot))}</p>${suggested}${trend}</td>
<td class="comments">${commentsHtml(m.comments)}${evidence}${approval}</td>
</tr>${more.map((chunk, n) => continuedRow(m, chunk, n + 1, n === more.length - 1 ? unreadable : '', pages)).join('')}${
    more.length ? continuationMarks(m, more.length) : ''
  }`;
}

/**
 * A return's comments as typed, a line a line: the Word report prints each line a paragraph and the spreadsheets
 * keep them, but one paragraph here ran them together (HTML collapses line breaks), in the page and the PDF.
 */
function commentsHtml(comments: string | null | undefined): string {
  if (!comments) return '';
  return `<p>${comments
    .split(/\r\n|\r|\n/)
    .map(e)
    .join('<br>')}</p>`;
}

/**
 * A narrative's links, each followed by its address where its words are not the address itself, shown in print
 * only (the .link-address rule): on paper, and in the PDF, which prints the page, a link was its words alone, its
 * address lost (the Word report and the spreadsheets give it in brackets). The HTML is renderNarrative's, whose
 * links are all `<a href="..." rel="...">` with the address escaped, so it is read back as it was written.
 */
function addressesOnPaper(html: string): string {
  return html.replace(
    /<a href="([^"]*)"[^>]*>([\s\S]*?)<\/a>/g,
    (link: string, href: string, words: string) => {
      const address = href.startsWith('mailto:') ? href.slice('mailto:'.length) : href;
      return words.replace(/<[^>]*>/g, '') === address
        ? link
        : `${link}<span class="link-address"> (${address})</span>`;
    },
  );
}

/** The id of a long narrative's row: the measure's own for its first, then one per continuation from 1. */
function chunkId(m: ReportMeasure | PublishedMeasure, n: number): string {
  return n === 0 ? `measure-${m.ref}` : `measure-${m.ref}-continued-${n}`;
}

/**
 * The rest of a long narrative, under the same Ref and RAG (colour and word), for the page it may start. Whether
 * it does start one is known only once printed: Chromium keeps each row whole, so a short first row and its
 * continuation often share a page, which then named the measure twice (S1 on page 3 of the Sevenoaks report).
 * The first print tells the page of each row (continuationMarks); on the next, a continuation on its previous
 * row's page keeps its place and its colour but does not say the Ref and RAG again.
 */
function continuedRow(
  m: ReportMeasure | PublishedMeasure,
  chunk: string,
  n: number,
  after: string,
  pages: ContentsPages | undefined,
): string {
  const page = pages?.get(chunkId(m, n));
  const samePage = page !== undefined && page === pages?.get(chunkId(m, n - 1));
  return `
<tr class="continued${samePage ? ' same-page' : ''}" id="${e(chunkId(m, n))}">
<th scope="row"><span class="again">${e(m.ref)}</span></th>
<td></td>
<td class="rag ${ragClass(m.rag)}"><span class="again">${ragLabel(m.rag)}</span></td>
<td class="progress">${addressesOnPaper(renderNarrative(chunk))}${after}</td>
<td class="dot"></td>
<td class="comments"></td>
</tr>`;
}

/**
 * Chromium makes a named destination, which gives its page, only for an element that a link in the page points
 * at: one link, not shown, to each row of a long narrative, so the first print says the page each row starts on.
 */
function continuationMarks(m: ReportMeasure | PublishedMeasure, continued: number): string {
  const links = Array.from({ length: continued + 1 }, (_, n) => `<a href="#${e(chunkId(m, n))}"></a>`).join(
    '',
  );
  return `\n<tr class="marks" hidden><td colspan="6">${links}</td></tr>`;
}

function awaitingRow(m: AwaitingMeasure): string {
  return `<tr class="awaiting" id="measure-${e(m.ref)}">
<th scope="row">${e(m.ref)}</th>
<td>${e(m.text)}</td>
<td class="rag rag-none">Not rated</td>
<td colspan="3">No approved return yet from ${e(m.agency)}.</td>
</tr>`;
}

/** A measure's data tables, in a row of their own under it, across all six columns. */
function measureTables(m: ReportMeasure | PublishedMeasure): string {
  if (m.tables.length === 0) return '';
  return `
<tr class="measure-tables" id="measure-${e(m.ref)}-tables"><td colspan="6">${m.tables.map((t) => returnTable(m, t)).join('')}</td></tr>`;
}

/** A figure: digits with their separators, signs, percentages and pounds ("32,240", "-3.5%", "£1,200"). */
const FIGURE = /^[-+−–(]?[£$€]?\d[\d,. ]*%?\)?$/;
const cellClass = (text: string) => (FIGURE.test(text.trim()) ? ' class="num"' : '');
/** A row's first cell names the row ("Folkestone and Hythe"); a short name is kept on one line. */
const rowLabel = (text: string) =>
  FIGURE.test(text.trim())
    ? `<td class="num">${e(text)}</td>`
    : `<th scope="row"${text.length <= 30 ? ' class="label"' : ''}>${e(text)}</th>`;

/**
 * The table's header repeats on each page it runs over, and its first header row names the measure by Ref and
 * RAG (colour and word), so a page holding only the rest of the table still says whose figures they are.
 */
function returnTable(m: ReportMeasure | PublishedMeasure, table: ReturnTable): string {
  const columns = Math.max(1, table.header.length, ...table.rows.map((r) => r.length));
  const label = `${e(m.ref)}: ${table.caption ? e(table.caption) : 'table'}`;
  return `<div class="table-scroll" role="region" aria-label="${label}" tabindex="0">
<table class="return-table">${table.caption ? `<caption>${e(table.caption)}</caption>` : ''}
<thead><tr class="measure-id"><th colspan="${columns}" scope="colgroup"><span class="ref">${e(m.ref)}</span><span class="chip ${ragClass(m.rag)}">${ragLabel(m.rag)}</span></th></tr>
<tr>${table.header.map((c) => `<th scope="col"${cellClass(c)}>${e(c)}</th>`).join('')}</tr></thead>
<tbody>${table.rows.map((row) => `<tr>${row.map((c, i) => (i === 0 ? rowLabel(c) : `<td${cellClass(c)}>${e(c)}</td>`)).join('')}</tr>`).join('')}</tbody>
</table>
</div>`;
}

function appendices(report: AnyCycleReport): string {
  return report.appendices
    .map(
      (appendix) => `<section class="appendix" id="${appendixId(appendix.number)}">
<h2>${e(appendix.heading)}</h2>
${appendix.introductionHtml ? `<div class="introduction">${addressesOnPaper(appendix.introductionHtml)}</div>` : ''}
${appendix.groups
  .map(
    (group) =>
      `${group.title ? `<h3>${e(group.title)}</h3>\n` : ''}${group.caseStudies
        .map(
          (c) => `<article class="case-study">
<h4>${e(c.title)}</h4>
<p class="organisation">${e([c.organisation, c.author].filter(Boolean).join(' - '))}</p>
${c.measureRef ? `<p class="measure-ref">Measure <a href="#measure-${e(c.measureRef)}">${e(c.measureRef)}</a></p>\n` : ''}${c.sections.map((s) => `${s.heading ? `<h5>${e(s.heading)}</h5>` : ''}${addressesOnPaper(s.bodyHtml)}`).join('\n')}
</article>`,
        )
        .join('\n')}`,
  )
  .join('\n')}
</section>`,
    )
    .join('\n');
}
