import { formatTable } from './stats.js';
import { fmt } from './options.js';

/**
 * One figure of a benchmark, beside the baseline measured in the same run. `ratio` is always value / baseline;
 * `target` says which way is good (">= 0.7x", "<= 1.2x") and `met` whether this run meets it.
 */
export interface Figure {
  bench: string;
  scenario: string;
  unit: string;
  value: number;
  baseline: { name: string; value: number } | null;
  ratio: number | null;
  p50Ms?: number;
  p99Ms?: number;
  target: string;
  met: boolean | null;
  /** Anything a reader needs to judge the figure (sizes, counts checked, what dominated). */
  note?: string;
  /** Everything else measured, for bench/results/latest.json. */
  detail?: unknown;
}

export function figure(f: Omit<Figure, 'ratio'> & { ratio?: number | null }): Figure {
  const ratio = f.ratio !== undefined ? f.ratio : f.baseline ? f.value / f.baseline.value : null;
  return { ...f, ratio };
}

/** Formats a value for the table: counts per second without decimals, milliseconds with two. */
export function show(value: number, unit: string): string {
  if (unit === 'ms') return `${fmt(value, value < 10 ? 2 : 1)} ms`;
  if (unit === 's') return `${fmt(value, 2)} s`;
  if (unit === 'MB') return `${fmt(value)} MB`;
  return `${fmt(value)} ${unit}`;
}

/** The one table `npm run bench` prints. */
export function figuresTable(figures: readonly Figure[]): string {
  return formatTable(
    ['benchmark', 'scenario', 'figure', 'baseline (same run)', 'ratio', 'p50 ms', 'p99 ms', 'target', 'met'],
    figures.map((f) => [
      f.bench,
      f.scenario,
      show(f.value, f.unit),
      f.baseline ? `${f.baseline.name} ${show(f.baseline.value, f.unit)}` : '-',
      f.ratio === null ? '-' : `${f.ratio.toFixed(2)}x`,
      f.p50Ms === undefined ? '-' : fmt(f.p50Ms, 2),
      f.p99Ms === undefined ? '-' : fmt(f.p99Ms, 2),
      f.target,
      f.met === null ? '-' : f.met ? 'yes' : 'NO',
    ]),
    [0, 1, 3, 7, 8],
  );
}
