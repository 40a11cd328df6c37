/** Which way a measure's number should move: the seed's "85% of actions achieved" is higher-is-better. */
export type IndicatorDirection = 'higher-is-better' | 'lower-is-better';
export const INDICATOR_DIRECTIONS: readonly IndicatorDirection[] = ['higher-is-better', 'lower-is-better'];

/**
 * Where amber or red starts: a value in the indicator's unit, or a variance from the target in per cent of
 * the target (Pentana's way: "amber when more than 5% short of target").
 */
export type IndicatorThreshold = { value: number } | { variance: number };

/** A number a measure is judged by, as the plan declares it. Names are unique within their measure. */
export interface Indicator {
  name: string;
  /** As shown beside the number: `%`, `count`, `£`... */
  unit: string;
  baseline: number | null;
  target: number;
  direction: IndicatorDirection;
  amber: IndicatorThreshold;
  red: IndicatorThreshold;
}

/** The RAG an indicator's value earns, named as a return's RAG is. */
export type IndicatorRag = 'red' | 'amber' | 'green';

/** A number larger than any a monitoring return reports, so a typo of many digits is refused, not stored. */
export const INDICATOR_LIMIT = 1e12;

export const isIndicatorNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= INDICATOR_LIMIT;
