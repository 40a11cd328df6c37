import { escapeHtml } from '../../../mail/src/index.js';
import { AnyCycleReport } from '../cycle-report/published-cycle-report.js';

/** One line of the report's table of contents: the id of the heading's section, and what the line says. */
export interface ContentsEntry {
  id: string;
  title: string;
}

/** Where each heading is in a printed report: the id of its section to its page, counted from 1. */
export type ContentsPages = ReadonlyMap<string, number>;

/** The ids the report's sections carry; the contents link to them, and the PDF's named destinations are them. */
export const summaryId = 'headline-heading';
export const themeId = (id: string) => `theme-${id}`;
export const appendixId = (n: number) => `appendix-${n}`;

/**
 * The table of contents: the summary, each theme by its short title (the full heading with its ambition is
 * too long for a line of contents), each appendix by its heading.
 */
export function reportContents(report: AnyCycleReport): ContentsEntry[] {
  return [
    { id: summaryId, title: 'Summary' },
    ...report.themes.map((t) => ({ id: themeId(t.themeId), title: t.title })),
    ...report.appendices.map((a) => ({ id: appendixId(a.number), title: a.heading })),
  ];
}

/**
 * The contents as HTML. On screen each line is a link; in print (`pages` given) each also names its page. While
 * the pages are not yet known (`pages` empty, the first print) the number's box is printed empty at the width
 * of a number, so filling the numbers in on the next print moves nothing below it.
 */
export function contentsHtml(entries: ContentsEntry[], pages?: ContentsPages): string {
  const e = escapeHtml;
  const page = (id: string) => {
    if (!pages) return '';
    const n = pages.get(id);
    return `<span class="page">${n === undefined ? '' : `<span class="visually-hidden">page </span>${n}`}</span>`;
  };
  return `<nav class="contents" aria-labelledby="contents-heading">
<h2 id="contents-heading">Contents</h2>
<ol>
${entries
  .map((x) => `<li><a href="#${e(x.id)}"><span class="entry">${e(x.title)}</span>${page(x.id)}</a></li>`)
  .join('\n')}
</ol>
</nav>`;
}

/** Every heading the report prints, as its bookmarks should read (see mendOutline). */
export function reportHeadings(report: AnyCycleReport): string[] {
  return [
    report.title,
    'Contents',
    'Summary',
    ...report.themes.map((t) => t.heading),
    ...report.appendices.flatMap((a) => [
      a.heading,
      ...a.groups.flatMap((g) => [
        ...(g.title ? [g.title] : []),
        ...g.caseStudies.flatMap((c) => [c.title, ...c.sections.map((s) => s.heading).filter(Boolean)]),
      ]),
    ]),
  ];
}
