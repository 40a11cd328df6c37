import { renderNarrative } from '../../../returns/src/index.js';
import { PublishedCycleReport, toPublishedReport } from '../cycle-report/published-cycle-report.js';
import {
  CycleReport,
  LegacyAppendixTheme,
  numberAppendices,
  ReportAppendix,
  ReportCaseStudy,
} from '../cycle-report/cycle-report.js';

/** The shape reports were published in before appendices were a list: one appendix of case studies by theme. */
interface EarlierReport {
  label: string;
  period: string;
  yearHeading?: string;
  appendices?: ReportAppendix[];
  appendix?: {
    caseStudies: (Omit<LegacyAppendixTheme, 'caseStudies'> & {
      caseStudies: (Omit<ReportCaseStudy, 'organisation' | 'author' | 'sections'> & {
        agency: string;
        sections: { heading: string; body: string; bodyHtml?: string }[];
      })[];
    })[];
  };
}

/**
 * A publication's JSON read back as today's report. Its bytes are never rewritten (they are what was hashed), so
 * reports published in an earlier shape are brought up to date each time they are read, the way an upcaster
 * reads an old event.
 */
export function readPublishedReport(body: string): PublishedCycleReport {
  const report = JSON.parse(body) as EarlierReport;
  const { appendix } = report;
  const appendices =
    report.appendices ??
    numberAppendices([
      {
        number: 0,
        heading: '',
        title: 'Partner Case Studies',
        introduction: '',
        introductionHtml: '',
        groups: (appendix?.caseStudies ?? []).map((theme) => ({
          themeId: theme.themeId,
          title: theme.title,
          caseStudies: theme.caseStudies.map(({ agency, ...study }) => ({
            ...study,
            organisation: agency,
            author: null,
            sections: study.sections.map((s) => ({ ...s, bodyHtml: s.bodyHtml ?? renderNarrative(s.body) })),
          })),
        })),
      },
    ]);
  // Older releases published the approver (a staff email), the version and the suggested DOT of each measure,
  // and had no choice of dates: they are read without any of those (issue 12 point 2).
  return toPublishedReport(
    {
      ...(report as unknown as CycleReport),
      yearHeading: report.yearHeading ?? `${report.label} (${report.period})`,
      appendices,
    },
    { lastUpdatedDates: false },
  );
}
