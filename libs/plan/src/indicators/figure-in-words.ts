/** Money goes before the number; every other unit after it. */
export const isPrefixUnit = (unit: string) => unit === '£' || unit === '$' || unit === '€';

/**
 * Units that say what kind of figure it is rather than what it counts: the seed writes "re-offending ... at 18.8
 * ... against the target of 35", and "18.8 rate" reads wrong. Such a figure is written bare.
 */
const KINDS_OF_FIGURE = new Set(['', 'count', 'index', 'number', 'rate', 'ratio', 'score', 'value']);

/** An indicator's figure as the report and the form write it: "85%", "£1,200", "18.8 per 100,000", "18.8". */
export function figureInWords(value: number, unit: string): string {
  const n = value.toLocaleString('en-GB', { maximumFractionDigits: 2 });
  if (KINDS_OF_FIGURE.has(unit.trim().toLowerCase())) return n;
  if (unit === '%') return `${n}%`;
  if (isPrefixUnit(unit)) return `${value < 0 ? '-' : ''}${unit}${n.replace('-', '')}`;
  return `${n} ${unit}`;
}
