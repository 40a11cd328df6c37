import { StoredEvent } from '../../../event-store/src/index.js';
import {
  evolveOwnedPlan,
  initialPlan,
  Measure,
  PlanEvent,
  PlanState,
  Theme,
} from '../../../plan/src/index.js';

/** The plan events that change what the BI feed says of a plan's themes and measures: every one of them. */
export const REPORTED_PLAN_EVENTS = [
  'PlanAdopted',
  'PlanChanged',
  'ThemeAdded',
  'ThemeChanged',
  'ThemeRemoved',
  'PriorityAdded',
  'PriorityChanged',
  'PriorityRemoved',
  'MeasureAdded',
  'MeasureChanged',
  'MeasureRetired',
] as const satisfies readonly PlanEvent['type'][];

/** A theme's row of report_plan_themes. */
export interface ReportedThemeRow {
  themeId: string;
  title: string;
  /** 1, 2, 3... in the printed report's order; removed themes after the rest. */
  position: number;
  /** Taken off the plan: kept, under its last title, so returns asked for under it still read with words. */
  removed: boolean;
}

/** A measure's row of report_plan_measures. */
export interface ReportedMeasureRow {
  measureRef: string;
  themeId: string;
  text: string;
  /**
   * 1, 2, 3... through the whole plan in the printed report's order (its theme's place, then its own within the
   * theme); retired measures after the rest.
   */
  position: number;
  leadAgencyId: string | null;
  retired: boolean;
}

export interface ReportedPlan {
  partnershipId: string;
  planId: string;
  themes: ReportedThemeRow[];
  measures: ReportedMeasureRow[];
}

/**
 * A plan's themes and measures as the BI feed shows them, folded from the plan's whole stream with the plan's
 * own evolvePlan: null for a stream that adopted no plan. A retired measure or removed theme stays, flagged, as
 * it last read: past cycles asked for it, and a dashboard of those cycles still needs its words.
 */
export function reportedPlan(events: readonly StoredEvent<PlanEvent>[]): ReportedPlan | null {
  let state: PlanState = initialPlan();
  const retired = new Map<string, Measure>();
  const removed = new Map<string, Theme>();
  for (const event of events) {
    const planEvent = { type: event.type, data: event.data } as PlanEvent;
    if (planEvent.type === 'PlanAdopted') {
      retired.clear();
      removed.clear();
    }
    if (state.status === 'adopted') {
      if (planEvent.type === 'MeasureRetired') {
        const measure = state.measures.get(planEvent.data.ref);
        if (measure) retired.set(measure.ref, measure);
      }
      if (planEvent.type === 'MeasureAdded') retired.delete(planEvent.data.ref);
      if (planEvent.type === 'ThemeRemoved') {
        const theme = state.themes.get(planEvent.data.themeId);
        if (theme) removed.set(theme.themeId, theme);
      }
      if (planEvent.type === 'ThemeAdded') removed.delete(planEvent.data.themeId);
    }
    state = evolveOwnedPlan(state, planEvent);
  }
  if (state.status !== 'adopted') return null;

  // The printed report's order (buildCycleReport): themes by position, each theme's measures by position then
  // by ref. Whatever has no position (an event written straight into the log) goes after what has one.
  const themeRank = (t: Theme) => numberOr(t.position, Infinity);
  const themesInOrder = [
    ...sortBy(
      [...state.themes.values()],
      (t) => [themeRank(t)],
      (t) => t.themeId,
    ).map((t) => ({ t, gone: false })),
    ...sortBy(
      [...removed.values()],
      (t) => [themeRank(t)],
      (t) => t.themeId,
    ).map((t) => ({ t, gone: true })),
  ];
  const themes = themesInOrder.map(({ t, gone }, i): ReportedThemeRow => ({
    themeId: t.themeId,
    title: typeof t.title === 'string' ? t.title : '',
    position: i + 1,
    removed: gone,
  }));
  const themePlace = new Map(themes.map((t) => [t.themeId, t.position]));
  const measureRank = (m: Measure) => [themePlace.get(m.themeId) ?? Infinity, numberOr(m.position, Infinity)];
  const measuresInOrder = [
    ...sortBy([...state.measures.values()], measureRank, (m) => m.ref).map((m) => ({ m, gone: false })),
    ...sortBy([...retired.values()], measureRank, (m) => m.ref).map((m) => ({ m, gone: true })),
  ];
  const measures = measuresInOrder.map(({ m, gone }, i): ReportedMeasureRow => ({
    measureRef: m.ref,
    themeId: typeof m.themeId === 'string' ? m.themeId : '',
    text: typeof m.text === 'string' ? m.text : '',
    position: i + 1,
    leadAgencyId: typeof m.leadAgencyId === 'string' && m.leadAgencyId ? m.leadAgencyId : null,
    retired: gone,
  }));
  return { partnershipId: state.partnershipId, planId: state.planId, themes, measures };
}

/** The items by their ranks, compared in turn, then by their ids (text order, the same on every machine). */
function sortBy<T>(items: T[], rank: (item: T) => number[], id: (item: T) => string): T[] {
  return items
    .map((item) => ({ item, r: rank(item), k: id(item) }))
    .sort((a, b) => {
      for (let i = 0; i < a.r.length; i++) if (a.r[i] !== b.r[i]) return a.r[i] < b.r[i] ? -1 : 1;
      return a.k < b.k ? -1 : a.k > b.k ? 1 : 0;
    })
    .map((x) => x.item);
}

/** A position as recorded, or the fallback for an event that carried none (written straight into the log). */
function numberOr<T>(value: unknown, fallback: T): number | T {
  return typeof value === 'number' && Number.isInteger(value) ? value : fallback;
}
