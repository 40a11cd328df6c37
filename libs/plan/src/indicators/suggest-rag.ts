import { Indicator, IndicatorRag, IndicatorThreshold } from './indicator.js';

/**
 * A threshold as a value in the indicator's unit. A variance is taken from the target by a share of the
 * target's size, in the worse direction: 5% on a target of 85 (higher is better) is 80.75.
 */
export function thresholdValue(
  indicator: Pick<Indicator, 'target' | 'direction'>,
  threshold: IndicatorThreshold,
): number {
  if ('value' in threshold) return threshold.value;
  const by = (Math.abs(indicator.target) * threshold.variance) / 100;
  return indicator.direction === 'higher-is-better' ? indicator.target - by : indicator.target + by;
}

/**
 * The RAG one value earns. Higher is better: red below the red threshold, amber below the amber one, green
 * otherwise; lower is better, the same with "above". A value exactly at a threshold earns the better colour
 * (at the amber threshold is green), so "at least 80" is written `amber: { value: 80 }`.
 */
export function indicatorRag(indicator: Indicator, value: number): IndicatorRag {
  const worse = (than: number) => (indicator.direction === 'higher-is-better' ? value < than : value > than);
  if (worse(thresholdValue(indicator, indicator.red))) return 'red';
  if (worse(thresholdValue(indicator, indicator.amber))) return 'amber';
  return 'green';
}

const SEVERITY: Record<IndicatorRag, number> = { green: 0, amber: 1, red: 2 };

/**
 * The RAG a return's values suggest: the worst of its indicators' (one red indicator makes the return red).
 * An indicator without a value is left out, as the agency may not have the figure yet; with no values at all
 * there is no suggestion (null), and the agency's own choice needs no reason.
 */
export function suggestRag(
  indicators: readonly Indicator[],
  values: readonly { name: string; value: number | null }[] | undefined,
): IndicatorRag | null {
  let worst: IndicatorRag | null = null;
  for (const indicator of indicators) {
    const value = values?.find((v) => v.name === indicator.name)?.value;
    if (typeof value !== 'number' || !Number.isFinite(value)) continue;
    const rag = indicatorRag(indicator, value);
    if (worst === null || SEVERITY[rag] > SEVERITY[worst]) worst = rag;
  }
  return worst;
}
