import { RagCounts } from '../cycle-report/cycle-report.js';
import { AnyCycleReport } from '../cycle-report/published-cycle-report.js';
import { narrativeText } from './narrative-text.js';
import { themeLeadAgencies, themePriorities } from './report-rows.js';

/**
 * The parts of the report a spreadsheet or CSV holds beside its measures: the summary (headline and counts), the
 * appendices, and their case studies. One table each, so the CSV gives each as a file of its own
 * (`format=csv&part=...`) and the workbook as a sheet.
 */
export const SUMMARY_HEADER = [
  'Theme',
  'Measures',
  'Rated',
  'Green',
  'Amber',
  'Red',
  'Not rated',
  'On target (%)',
  'Headline',
] as const;

export const THEME_HEADER = ['Theme', 'Ambition', 'Lead agencies', 'Priorities'] as const;

/**
 * A row per theme with what the page prints over its table: its ambition, lead agencies and priorities (a line
 * each, "Priority 1: ..."), which the spreadsheet otherwise lost.
 */
export function themeRows(report: AnyCycleReport): string[][] {
  return report.themes.map((t) => [t.title, t.ambition ?? '', themeLeadAgencies(t), themePriorities(t)]);
}

export const APPENDIX_HEADER = ['Appendix', 'Heading', 'Title', 'Introduction', 'Case studies'] as const;

export const CASE_STUDY_HEADER = [
  'Appendix',
  'Group',
  'Measure',
  'Title',
  'Organisation',
  'Author',
  'Section',
  'Text',
] as const;

/**
 * A row per theme and one for all themes, whose headline is the report's ("96% of measures on target"). On target
 * means rated Green, out of the measures rated, as the report's headline counts it.
 */
export function summaryRows(report: AnyCycleReport): (string | number)[][] {
  const row = (label: string, counts: RagCounts, text: string, percent: number | null) => {
    const rated = counts.green + counts.amber + counts.red;
    return [
      label,
      rated + counts.notRated,
      rated,
      counts.green,
      counts.amber,
      counts.red,
      counts.notRated,
      percent ?? '',
      text,
    ];
  };
  return [
    ...report.themes.map((theme) => {
      const { green, amber, red } = theme.counts;
      const rated = green + amber + red;
      const percent = rated > 0 ? Math.round((green / rated) * 100) : null;
      const text = percent === null ? 'No measures rated yet' : `${percent}% of measures on target`;
      return row(theme.title, theme.counts, text, percent);
    }),
    row('All themes', report.headline, report.headline.text, report.headline.onTargetPercent),
  ];
}

/** A row per appendix, in the report's order, with its introduction as text and how many case studies it holds. */
export function appendixRows(report: AnyCycleReport): (string | number)[][] {
  return report.appendices.map((a) => [
    a.number,
    a.heading,
    a.title,
    narrativeText(a.introduction),
    a.groups.reduce((n, g) => n + g.caseStudies.length, 0),
  ]);
}

/** A row per section of each case study, in the report's order; a study with no sections still has its row. */
export function caseStudyRows(report: AnyCycleReport): string[][] {
  return report.appendices.flatMap((appendix) =>
    appendix.groups.flatMap((group) =>
      group.caseStudies.flatMap((study) => {
        const sections = study.sections.length ? study.sections : [{ heading: '', body: '' }];
        return sections.map((section) => [
          appendix.heading,
          group.title ?? '',
          study.measureRef ?? '',
          study.title,
          study.organisation,
          study.author ?? '',
          section.heading,
          narrativeText(section.body),
        ]);
      }),
    ),
  );
}
