import {
  AppendixState,
  fileSizeInWords,
  fileTypeInWords,
  renderNarrative,
  DirectionOfTravel,
  Rag,
  ReturnTable,
} from '../../../returns/src/index.js';
import { UnreadablePart } from './readable-content.js';
import { ReportIndicator, reportIndicators } from './report-indicators.js';
import { ReportedEvidence, ReportInput } from './report-input.js';
import { leadAgenciesLine, periodWords } from './report-words.js';
import { defaultReportTitle, defaultYearHeading, yearOfPlan } from './report-title.js';
import { suggestedDot } from './suggested-dot.js';

export interface RagCounts {
  green: number;
  amber: number;
  red: number;
  /** Requested and not withdrawn, but with no approved return yet. */
  notRated: number;
}

export interface TrendPoint {
  cycleId: string;
  label: string;
  periodStart: string;
  rag: Rag | null;
}

export interface ReportMeasure {
  ref: string;
  text: string;
  /** The measure's place in the plan: approved and awaiting measures interleave by it. */
  position: number;
  agencyId: string;
  agency: string;
  rag: Rag | null;
  /** As the agency wrote it (Markdown), and as safe HTML. */
  narrative: string | null;
  narrativeHtml: string | null;
  dot: DirectionOfTravel | null;
  /** What the previous cycle's approved RAG implies, beside the agency's own choice. */
  suggestedDot: DirectionOfTravel | null;
  previousRag: Rag | null;
  /** The measure's approved RAG in each earlier cycle of the plan, oldest first. */
  trend: TrendPoint[];
  comments: string | null;
  tables: ReturnTable[];
  approvedBy: string;
  approvedAt: string;
  /** The return's version at its approval. */
  version: number;
  /**
   * The parts of the stored return that could not be shown as stored (see readableApproval); absent when there
   * are none, as in every report published before it existed.
   */
  unreadable?: UnreadablePart[];
  /** The plan's indicators for the measure with their values; absent for a measure without indicators. */
  indicators?: ReportIndicator[];
  /**
   * The titles of the return's files the coordinator chose to list, in the order attached: printed as
   * "Evidence: <title>, <title>", never as a link or a file name. Absent when none is chosen.
   */
  evidence?: string[];
}

/** One file on a return of the cycle, as the XLSX export lists them all: by title, type and size in words. */
export interface ReportEvidenceFile {
  agencyId: string;
  agency: string;
  measureRef: string;
  title: string;
  type: string;
  size: string;
  inReport: boolean;
}

export interface AwaitingMeasure {
  ref: string;
  text: string;
  position: number;
  agencyId: string;
  agency: string;
}

export interface ReportCaseStudy {
  /** The measure it belongs to, or null for a study that belongs to none. */
  measureRef: string | null;
  /** The agency whose return brought it, or null for one the coordinator entered in an appendix. */
  agencyId: string | null;
  title: string;
  /** The organisation it is by or about, as typed ("Kent Police"). */
  organisation: string;
  /** Its author and their role, where given ("Lucy Soper, Job Coach"). */
  author: string | null;
  sections: { heading: string; body: string; bodyHtml: string }[];
}

export interface LegacyAppendixTheme {
  themeId: string;
  title: string;
  caseStudies: {
    measureRef: string | null;
    agencyId: string | null;
    title: string;
    agency: string;
    sections: { heading: string; body: string; bodyHtml: string }[];
  }[];
}

/** Case studies printed under one heading of an appendix: a theme's title, or none (title null). */
export interface ReportAppendixGroup {
  themeId: string | null;
  title: string | null;
  caseStudies: ReportCaseStudy[];
}

export interface ReportAppendix {
  /** Its place among the report's appendices, from 1: "Appendix 1". */
  number: number;
  /** "Appendix 1 - Partner Case Studies" */
  heading: string;
  title: string;
  /** Markdown, as entered, and as safe HTML; empty when it has none. */
  introduction: string;
  introductionHtml: string;
  groups: ReportAppendixGroup[];
}

export interface ReportTheme {
  themeId: string;
  title: string;
  ambition: string;
  /** "Safe Communities - A safer place to live work and travel" */
  heading: string;
  leadAgencyIds: string[];
  leadAgencies: { id: string; name: string }[];
  /** "Lead Agency: Sevenoaks District Community Safety Partnership" */
  leadAgenciesLine: string;
  priorities: { ref: string; text: string }[];
  counts: RagCounts;
  /** Approved returns, in the plan's order of measures. */
  measures: ReportMeasure[];
  /** Measures the cycle asked for that have no approved return yet. */
  awaiting: AwaitingMeasure[];
}

export interface CycleReport {
  cycleId: string;
  partnershipId: string;
  planId: string;
  title: string;
  partnership: string;
  plan: string;
  label: string;
  /** "April 2019 - March 2020" */
  period: string;
  /** The heading of the progress column and the year the report covers: "Year 1 (April 2019 - March 2020)". */
  yearHeading: string;
  /**
   * The opening sentence the coordinator wrote, when they did (the seed's: "This Annual Report is produced by
   * Sevenoaks District Council on behalf of the Sevenoaks District LSP ..."); absent, formats print
   * reportIntroduction's default.
   */
  introduction?: string;
  periodStart: string;
  periodEnd: string;
  cycleStatus: string;
  /** The instant the report was read as at; null for the report now. */
  asAt: string | null;
  headline: RagCounts & {
    /** "96% of measures on target" */
    text: string;
    rated: number;
    measures: number;
    /** Green over rated, rounded; null while nothing is rated. */
    onTargetPercent: number | null;
  };
  themes: ReportTheme[];
  /** In the order they are printed; only appendices with something in them. */
  appendices: ReportAppendix[];
  /**
   * @deprecated The case studies of the appendices by theme, in the shape the API gave before a report had
   * appendices of its own; kept so that existing clients go on reading them. Use `appendices`.
   */
  appendix: { caseStudies: LegacyAppendixTheme[] };
  /** Every file on the cycle's returns (withdrawn ones aside), by measure; absent when there is none. */
  evidenceFiles?: ReportEvidenceFile[];
}

const byPosition = (a: { position: number }, b: { position: number }) => a.position - b.position;

/**
 * The monitoring report in the seed's structure: title, partnership and period; the headline; then each theme
 * in the plan's order with its heading, lead agencies, priorities and the table of its measures; then the
 * appendices of case studies. Pure: the same input always gives the same report, byte for byte.
 */
export function buildCycleReport(input: ReportInput): CycleReport {
  const { cycle, plan } = input;
  const agency = (id: string) => input.agencyNames.get(id) ?? id;
  const live = input.returns.filter((r) => !r.withdrawn);
  const position = (ref: string) => plan.measures.get(ref)?.position ?? Number.MAX_SAFE_INTEGER;
  const text = (ref: string) => plan.measures.get(ref)?.text ?? '';
  const files = (input.evidence ?? []).filter((f) => live.some((r) => r.returnId === f.returnId));
  const chosenTitles = (returnId: string) =>
    files.filter((f) => f.returnId === returnId && f.inReport).map((f) => f.title);

  const themes = [...plan.themes.values()].sort(byPosition).map((theme): ReportTheme => {
    const mine = live
      .filter((r) => r.themeId === theme.themeId)
      .sort(
        (a, b) => position(a.measureRef) - position(b.measureRef) || a.measureRef.localeCompare(b.measureRef),
      );
    const measures = mine.flatMap((r): ReportMeasure[] => {
      if (!r.approved) return [];
      const { content } = r.approved;
      const trend = input.pastCycles.map((c) => ({
        cycleId: c.cycleId,
        label: c.label,
        periodStart: c.periodStart,
        rag: c.ratings.get(r.measureRef) ?? null,
      }));
      const previousRag = [...trend].reverse().find((t) => t.rag !== null)?.rag ?? null;
      const evidence = chosenTitles(r.returnId);
      const indicators = reportIndicators(
        plan.measures.get(r.measureRef)?.indicators,
        content.indicators,
        r.measureRef,
        cycle,
        input.pastCycles,
      );
      return [
        {
          ref: r.measureRef,
          text: text(r.measureRef),
          position: position(r.measureRef),
          agencyId: r.agencyId,
          agency: agency(r.agencyId),
          rag: content.rag ?? null,
          narrative: content.narrative ?? null,
          narrativeHtml: content.narrative ? renderNarrative(content.narrative) : null,
          dot: content.dot ?? null,
          suggestedDot: suggestedDot(previousRag, content.rag ?? null),
          previousRag,
          trend,
          comments: content.comments ?? null,
          tables: content.tables ?? [],
          approvedBy: r.approved.by,
          approvedAt: r.approved.at.toISOString(),
          version: r.approved.version,
          ...(r.approved.unreadable.length > 0 ? { unreadable: r.approved.unreadable } : {}),
          ...(indicators ? { indicators } : {}),
          ...(evidence.length ? { evidence } : {}),
        },
      ];
    });
    const awaiting = mine
      .filter((r) => !r.approved)
      .map((r) => ({
        ref: r.measureRef,
        text: text(r.measureRef),
        position: position(r.measureRef),
        agencyId: r.agencyId,
        agency: agency(r.agencyId),
      }));
    const leadAgencies = theme.leadAgencyIds.map((id) => ({ id, name: agency(id) }));
    return {
      themeId: theme.themeId,
      title: theme.title,
      ambition: theme.ambition,
      heading: theme.ambition ? `${theme.title} - ${theme.ambition}` : theme.title,
      leadAgencyIds: theme.leadAgencyIds,
      leadAgencies,
      leadAgenciesLine: leadAgenciesLine(leadAgencies.map((a) => a.name)),
      priorities: [...plan.priorities.values()]
        .filter((p) => p.themeId === theme.themeId)
        .sort(byPosition)
        .map((p) => ({ ref: p.ref, text: p.text })),
      counts: countRags(measures, awaiting),
      measures,
      awaiting,
    };
  });

  // Until a cycle has appendices of its own, every approved return's case studies make Appendix 1, by theme.
  const groups = themes
    .map((theme): ReportAppendixGroup => ({
      themeId: theme.themeId,
      title: theme.title,
      caseStudies: live
        .filter((r) => r.themeId === theme.themeId && r.approved)
        .sort(
          (a, b) =>
            position(a.measureRef) - position(b.measureRef) || a.measureRef.localeCompare(b.measureRef),
        )
        .flatMap((r) =>
          (r.approved!.content.caseStudies ?? []).map((study): ReportCaseStudy => ({
            measureRef: r.measureRef,
            agencyId: r.agencyId,
            title: study.title,
            organisation: study.agency,
            author: null,
            sections: study.sections.map((s) => ({
              heading: s.heading,
              body: s.body,
              bodyHtml: renderNarrative(s.body),
            })),
          })),
        ),
    }))
    .filter((g) => g.caseStudies.length > 0);
  // A cycle whose coordinator made appendices prints those instead, in their order.
  const appendices = numberAppendices(
    input.appendices?.length
      ? cycleAppendices(input, input.appendices, (id) => plan.themes.get(id)?.title ?? id)
      : [
          {
            heading: '',
            title: 'Partner Case Studies',
            introduction: '',
            introductionHtml: '',
            number: 0,
            groups,
          },
        ],
  );

  return {
    cycleId: cycle.cycleId,
    partnershipId: cycle.partnershipId,
    planId: cycle.planId,
    title: cycle.reportTitle || defaultReportTitle(plan.title, cycle.periodStart, cycle.periodEnd),
    partnership: input.partnershipName,
    plan: plan.title,
    label: cycle.label,
    period: periodWords(cycle.periodStart, cycle.periodEnd),
    yearHeading:
      cycle.yearHeading ||
      defaultYearHeading(
        yearOfPlan(plan, cycle),
        cycle.label,
        periodWords(cycle.periodStart, cycle.periodEnd),
      ),
    ...(cycle.introduction ? { introduction: cycle.introduction } : {}),
    periodStart: cycle.periodStart,
    periodEnd: cycle.periodEnd,
    cycleStatus: cycle.status,
    asAt: input.asAt?.toISOString() ?? null,
    headline: headline(themes),
    themes,
    appendices,
    appendix: legacyAppendix(appendices),
    ...(files.length ? { evidenceFiles: evidenceFilesOf(files, agency, position) } : {}),
  };
}

/** Every file of the cycle for the export's list: in the plan's order of measures, then as attached. */
function evidenceFilesOf(
  files: ReportedEvidence[],
  agency: (id: string) => string,
  position: (ref: string) => number,
): ReportEvidenceFile[] {
  return files
    .map((f, i) => ({ f, i }))
    .sort(
      (a, b) =>
        position(a.f.measureRef) - position(b.f.measureRef) ||
        a.f.measureRef.localeCompare(b.f.measureRef) ||
        a.i - b.i,
    )
    .map(({ f }) => ({
      agencyId: f.agencyId,
      agency: agency(f.agencyId),
      measureRef: f.measureRef,
      title: f.title,
      type: fileTypeInWords(f.mediaType, f.extension),
      size: fileSizeInWords(f.bytes),
      inReport: f.inReport,
    }));
}

/** The appendices' case studies that sit under a theme, by theme, as the API gave them before appendices. */
export function legacyAppendix(appendices: ReportAppendix[]): CycleReport['appendix'] {
  const themes = new Map<string, LegacyAppendixTheme>();
  for (const group of appendices.flatMap((a) => a.groups)) {
    if (group.themeId === null) continue;
    const theme = themes.get(group.themeId) ?? {
      themeId: group.themeId,
      title: group.title ?? '',
      caseStudies: [],
    };
    theme.caseStudies.push(
      ...group.caseStudies.map(({ measureRef, agencyId, title, organisation, sections }) => ({
        measureRef,
        agencyId,
        title,
        agency: organisation,
        sections,
      })),
    );
    themes.set(group.themeId, theme);
  }
  return { caseStudies: [...themes.values()] };
}

/** Drops the empty appendices and numbers the rest in order: "Appendix 1 - Partner Case Studies". */
export function numberAppendices(appendices: ReportAppendix[]): ReportAppendix[] {
  return appendices
    .filter((a) => a.groups.some((g) => g.caseStudies.length > 0))
    .map((a, i) => ({ ...a, number: i + 1, heading: `Appendix ${i + 1} - ${a.title}` }));
}

/** A working report or a publication: anything whose measures name their agency. */
type AgencyRestrictable = Omit<CycleReport, 'themes'> & {
  themes: (Omit<ReportTheme, 'measures'> & { measures: { agencyId: string; rag: Rag | null }[] })[];
};

/**
 * The report as an agency lead may see it: only their agency's measures and case studies, with the counts and
 * the headline worked out again from what is left.
 */
export function restrictToAgency<R extends AgencyRestrictable>(report: R, agencyId: string): R {
  const themes = report.themes.map((theme) => {
    const measures = theme.measures.filter((m) => m.agencyId === agencyId);
    const awaiting = theme.awaiting.filter((m) => m.agencyId === agencyId);
    return { ...theme, measures, awaiting, counts: countRags(measures, awaiting) };
  }) as R['themes'];
  const appendices = numberAppendices(
    report.appendices.map((a) => ({
      ...a,
      groups: a.groups
        .map((g) => ({ ...g, caseStudies: g.caseStudies.filter((c) => c.agencyId === agencyId) }))
        .filter((g) => g.caseStudies.length > 0),
    })),
  );
  return {
    ...report,
    headline: headline(themes),
    themes,
    appendices,
    appendix: legacyAppendix(appendices),
    ...(report.evidenceFiles
      ? { evidenceFiles: report.evidenceFiles.filter((f) => f.agencyId === agencyId) }
      : {}),
  };
}

function countRags(measures: { rag: Rag | null }[], awaiting: unknown[]): RagCounts {
  const count = (rag: Rag) => measures.filter((m) => m.rag === rag).length;
  return { green: count('green'), amber: count('amber'), red: count('red'), notRated: awaiting.length };
}

function headline(themes: { counts: RagCounts }[]): CycleReport['headline'] {
  const sum = (key: keyof RagCounts) => themes.reduce((n, t) => n + t.counts[key], 0);
  const [green, amber, red, notRated] = [sum('green'), sum('amber'), sum('red'), sum('notRated')];
  const rated = green + amber + red;
  const onTargetPercent = rated > 0 ? Math.round((green / rated) * 100) : null;
  return {
    text: onTargetPercent === null ? 'No measures rated yet' : `${onTargetPercent}% of measures on target`,
    onTargetPercent,
    rated,
    measures: rated + notRated,
    green,
    amber,
    red,
    notRated,
  };
}

/**
 * The appendices the coordinator made for the cycle, in their order: each appendix's case studies as entered or
 * placed, consecutive studies of the same theme under one theme heading (none for a study of no theme). A
 * placed agency study prints as its return's last approval has it, and not at all once that return is
 * withdrawn or its approval no longer has the study.
 */
export function cycleAppendices(
  input: ReportInput,
  appendices: readonly AppendixState[],
  themeTitle: (themeId: string) => string,
): ReportAppendix[] {
  const returns = new Map(input.returns.filter((r) => !r.withdrawn).map((r) => [r.returnId, r]));
  return appendices.map((appendix): ReportAppendix => {
    const groups: ReportAppendixGroup[] = [];
    for (const item of appendix.caseStudies) {
      const study = caseStudy(item, returns);
      if (!study) continue;
      const title = study.heading ?? (study.themeId === null ? null : themeTitle(study.themeId));
      const last = groups[groups.length - 1];
      if (last && last.themeId === study.themeId && last.title === title)
        last.caseStudies.push(study.printed);
      else groups.push({ themeId: study.themeId, title, caseStudies: [study.printed] });
    }
    return {
      number: 0,
      heading: '',
      title: appendix.title,
      introduction: appendix.introduction,
      introductionHtml: appendix.introduction ? renderNarrative(appendix.introduction) : '',
      groups,
    };
  });
}

function caseStudy(
  item: AppendixState['caseStudies'][number],
  returns: Map<string, ReportInput['returns'][number]>,
): { themeId: string | null; heading: string | null; printed: ReportCaseStudy } | null {
  const sections = (list: { heading: string; body: string }[]) =>
    list.map((s) => ({ heading: s.heading, body: s.body, bodyHtml: renderNarrative(s.body) }));
  if (item.kind === 'entered') {
    return {
      themeId: item.themeId,
      heading: item.groupHeading ?? null,
      printed: {
        measureRef: item.measureRef,
        agencyId: null,
        title: item.title,
        organisation: item.organisation,
        author: item.author,
        sections: sections(item.sections),
      },
    };
  }
  const study = returns.get(item.returnId)?.approved?.content.caseStudies?.[item.index];
  if (!study) return null;
  return {
    themeId: item.themeId,
    heading: null,
    printed: {
      measureRef: item.measureRef,
      agencyId: item.agencyId,
      title: study.title,
      organisation: study.agency,
      author: null,
      sections: sections(study.sections),
    },
  };
}
