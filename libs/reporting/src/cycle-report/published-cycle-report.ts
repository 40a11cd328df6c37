import { londonDay } from '../../../kernel/src/index.js';
import { CycleReport, ReportMeasure, ReportTheme } from './cycle-report.js';

/**
 * What a reader of a publication sees of a measure: what the partners reported, never the workflow that
 * approved it. Picked field by field (not "everything but"), so a field added to ReportMeasure later stays in
 * the staff's working views unless it is added here on purpose (issue 12 point 2: the approver is a staff
 * member's email, which the public report must not carry).
 */
export type PublishedMeasure = Pick<
  ReportMeasure,
  | 'ref'
  | 'text'
  | 'position'
  | 'agencyId'
  | 'agency'
  | 'rag'
  | 'narrative'
  | 'narrativeHtml'
  | 'dot'
  | 'previousRag'
  | 'trend'
  | 'comments'
  | 'tables'
  | 'unreadable'
  | 'indicators'
  | 'evidence'
> & {
  /** The day (Europe/London, YYYY-MM-DD) the measure's return was last approved; only when the coordinator chose to print it. */
  lastUpdated?: string;
};

export type PublishedTheme = Omit<ReportTheme, 'measures'> & { measures: PublishedMeasure[] };

/** A report as it is published: the working report with every measure reduced to its PublishedMeasure. */
export type PublishedCycleReport = Omit<CycleReport, 'themes'> & { themes: PublishedTheme[] };

/** A report any renderer prints: the staff's working report or a publication. */
export type AnyCycleReport = CycleReport | PublishedCycleReport;

export interface PublishOptions {
  /** Whether each measure says when its return was last updated (approved). */
  lastUpdatedDates: boolean;
}

/** The measure a reader sees, built field by field. */
export function publishedMeasure(
  m: ReportMeasure | PublishedMeasure,
  options: PublishOptions,
): PublishedMeasure {
  // A working measure's approval day is printed only when chosen; a published one keeps what it was published with.
  const lastUpdated =
    'approvedAt' in m ? (options.lastUpdatedDates ? londonDay(m.approvedAt) : undefined) : m.lastUpdated;
  return {
    ref: m.ref,
    text: m.text,
    position: m.position,
    agencyId: m.agencyId,
    agency: m.agency,
    rag: m.rag,
    narrative: m.narrative,
    narrativeHtml: m.narrativeHtml,
    dot: m.dot,
    previousRag: m.previousRag,
    trend: m.trend,
    comments: m.comments,
    tables: m.tables,
    ...(m.unreadable ? { unreadable: m.unreadable } : {}),
    // Only where the plan declares indicators: every other measure (and every older publication) keeps its shape.
    ...(m.indicators ? { indicators: m.indicators } : {}),
    ...(lastUpdated ? { lastUpdated } : {}),
    // Only where the coordinator chose files to list: every other measure (and older publication) keeps its shape.
    ...(m.evidence?.length ? { evidence: m.evidence } : {}),
  };
}

/**
 * The one way a report becomes a publication: what is stored and hashed when publishing, and what a
 * publication made by an older release (which stored the approver, version and suggested DOT) is reduced to
 * when it is read.
 */
export function toPublishedReport(report: AnyCycleReport, options: PublishOptions): PublishedCycleReport {
  return {
    ...report,
    themes: report.themes.map((theme) => ({
      ...theme,
      measures: theme.measures.map((m) => publishedMeasure(m, options)),
    })),
  };
}

/** The workflow of a measure in a staff's working view; null in a publication, which has none. */
export function workflowOf(
  m: ReportMeasure | PublishedMeasure,
): Pick<ReportMeasure, 'approvedBy' | 'approvedAt' | 'version' | 'suggestedDot'> | null {
  return 'approvedBy' in m
    ? { approvedBy: m.approvedBy, approvedAt: m.approvedAt, version: m.version, suggestedDot: m.suggestedDot }
    : null;
}
