import { Indicator, IndicatorDirection, indicatorRag } from '../../../plan/src/index.js';
import { IndicatorValue, Rag } from '../../../returns/src/index.js';
import { PastCycle } from './report-input.js';

/** One indicator of a measure in the report: its value this cycle against its target, and its trend. */
export interface ReportIndicator {
  name: string;
  unit: string;
  direction: IndicatorDirection;
  baseline: number | null;
  target: number;
  /** The approved value for this cycle; null when the return gave none. */
  value: number | null;
  /** What the value earns by the plan's thresholds (suggestRag's colour for this indicator); null without one. */
  rag: Rag | null;
  /** The approved value in each earlier cycle of the plan, oldest first, then this cycle's. */
  trend: { cycleId: string; label: string; value: number | null }[];
}

const valueOf = (values: readonly IndicatorValue[] | undefined, name: string): number | null => {
  const value = values?.find((v) => v.name === name)?.value;
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

/**
 * The measure's indicators as the plan declares them now, each with the approved value of this cycle and of
 * the plan's earlier cycles (matched by name: a renamed indicator starts a new trend). Absent (undefined) for
 * a measure without indicators, or without a value for any of them in any cycle, so such a report keeps the
 * shape it always had.
 */
export function reportIndicators(
  declared: readonly Indicator[] | undefined,
  values: readonly IndicatorValue[] | undefined,
  measureRef: string,
  cycle: { cycleId: string; label: string },
  pastCycles: readonly PastCycle[],
): ReportIndicator[] | undefined {
  if (!declared?.length) return undefined;
  const reported = declared.map((indicator) => {
    const value = valueOf(values, indicator.name);
    return {
      name: indicator.name,
      unit: indicator.unit,
      direction: indicator.direction,
      baseline: indicator.baseline,
      target: indicator.target,
      value,
      rag: value === null ? null : indicatorRag(indicator, value),
      trend: [
        ...pastCycles.map((c) => ({
          cycleId: c.cycleId,
          label: c.label,
          value: valueOf(c.values?.get(measureRef), indicator.name),
        })),
        { cycleId: cycle.cycleId, label: cycle.label, value },
      ],
    };
  });
  // A measure no cycle gave a value for has nothing to show against its target: the report stays as it was.
  return reported.some((i) => i.trend.some((t) => t.value !== null)) ? reported : undefined;
}
