import { ReturnStatus } from '../../../returns/src/index.js';

/** One return as the status view needs it, folded from its events (up to asAt). */
export interface StatusReturn {
  returnId: string;
  measureRef: string;
  themeId: string;
  agencyId: string;
  status: ReturnStatus;
  dueDate: string;
  originalDueDate: string;
  /** When it was first submitted: timeliness counts the first submission, as the `late` flag does. */
  firstSubmittedAt: Date | null;
  /** It has an approved version (it may be reopened for an amendment now). */
  everApproved: boolean;
  chasesSent: number;
}

export interface StatusInput {
  cycle: { cycleId: string; label: string; status: string; dueDate: string };
  /** The calendar date (UTC) the view is worked out for: today, or the date of asAt. */
  today: string;
  asAt: Date | null;
  agencyNames: Map<string, string>;
  themes: { themeId: string; title: string; position: number }[];
  measureTexts: Map<string, string>;
  returns: StatusReturn[];
}

export type StateCounts = Record<ReturnStatus, number> & { overdue: number; total: number };

export interface OverdueReturn {
  returnId: string;
  measureRef: string;
  measure: string;
  agencyId: string;
  agency: string;
  themeId: string;
  status: ReturnStatus;
  dueDate: string;
  originalDueDate: string;
  daysOverdue: number;
  chasesSent: number;
}

export interface Rate {
  count: number;
  of: number;
  /** Rounded; null when nothing is expected. */
  percent: number | null;
}

export interface CycleStatus {
  cycleId: string;
  label: string;
  cycleStatus: string;
  asAt: string | null;
  today: string;
  totals: StateCounts;
  byAgency: { agencyId: string; agency: string; counts: StateCounts }[];
  byTheme: { themeId: string; title: string; counts: StateCounts }[];
  /** Most overdue first. */
  overdue: OverdueReturn[];
  /** Returns submitted, approved or accepted, over returns requested and not withdrawn. */
  completeness: Rate;
  timeliness: {
    /** First submitted on or before the due date the cycle set. */
    byOriginalDueDate: Rate;
    /** First submitted on or before the return's due date after any extension. */
    byExtendedDueDate: Rate;
    extended: number;
    notYetSubmitted: number;
  };
}

/** Sent in by its agency: in review, approved, or (two-stage cycles) accepted. */
const RETURNED: readonly ReturnStatus[] = ['submitted', 'approved', 'accepted'];

const DAY = 86_400_000;
const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / DAY);

/**
 * Overdue is not a state: a return not yet submitted (requested, or a draft including one sent back) whose
 * due date, extended or not, has passed. An amendment to an approved return is not overdue: the approved
 * version still stands.
 */
export function isOverdue(r: StatusReturn, today: string): boolean {
  return (r.status === 'requested' || r.status === 'draft') && !r.everApproved && today > r.dueDate;
}

/** Who has and has not returned: counts by state per agency and per theme, the overdue list, and the rates. */
export function buildCycleStatus(input: StatusInput): CycleStatus {
  const { returns, today } = input;
  const agency = (id: string) => input.agencyNames.get(id) ?? id;
  const agencyIds = [...new Set(returns.map((r) => r.agencyId))].sort((a, b) =>
    agency(a).localeCompare(agency(b)),
  );
  const themes = [...input.themes].sort((a, b) => a.position - b.position);
  const live = returns.filter((r) => r.status !== 'withdrawn');
  const submittedBy = (r: StatusReturn, date: string) =>
    r.firstSubmittedAt !== null && r.firstSubmittedAt.toISOString().slice(0, 10) <= date;

  return {
    cycleId: input.cycle.cycleId,
    label: input.cycle.label,
    cycleStatus: input.cycle.status,
    asAt: input.asAt?.toISOString() ?? null,
    today,
    totals: counts(returns, today),
    byAgency: agencyIds.map((agencyId) => ({
      agencyId,
      agency: agency(agencyId),
      counts: counts(
        returns.filter((r) => r.agencyId === agencyId),
        today,
      ),
    })),
    byTheme: themes
      .filter((t) => returns.some((r) => r.themeId === t.themeId))
      .map((t) => ({
        themeId: t.themeId,
        title: t.title,
        counts: counts(
          returns.filter((r) => r.themeId === t.themeId),
          today,
        ),
      })),
    overdue: returns
      .filter((r) => isOverdue(r, today))
      .map((r) => ({
        returnId: r.returnId,
        measureRef: r.measureRef,
        measure: input.measureTexts.get(r.measureRef) ?? '',
        agencyId: r.agencyId,
        agency: agency(r.agencyId),
        themeId: r.themeId,
        status: r.status,
        dueDate: r.dueDate,
        originalDueDate: r.originalDueDate,
        daysOverdue: days(r.dueDate, today),
        chasesSent: r.chasesSent,
      }))
      .sort((a, b) => b.daysOverdue - a.daysOverdue || a.measureRef.localeCompare(b.measureRef)),
    completeness: rate(live.filter((r) => RETURNED.includes(r.status) || r.everApproved).length, live.length),
    timeliness: {
      byOriginalDueDate: rate(live.filter((r) => submittedBy(r, r.originalDueDate)).length, live.length),
      byExtendedDueDate: rate(live.filter((r) => submittedBy(r, r.dueDate)).length, live.length),
      extended: live.filter((r) => r.dueDate !== r.originalDueDate).length,
      notYetSubmitted: live.filter((r) => r.firstSubmittedAt === null).length,
    },
  };
}

function counts(returns: StatusReturn[], today: string): StateCounts {
  const of = (status: ReturnStatus) => returns.filter((r) => r.status === status).length;
  return {
    requested: of('requested'),
    draft: of('draft'),
    submitted: of('submitted'),
    approved: of('approved'),
    accepted: of('accepted'),
    withdrawn: of('withdrawn'),
    overdue: returns.filter((r) => isOverdue(r, today)).length,
    total: returns.length,
  };
}

function rate(count: number, of: number): Rate {
  return { count, of, percent: of > 0 ? Math.round((count / of) * 100) : null };
}
