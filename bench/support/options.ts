/**
 * Benchmark settings from the environment. `BENCH_QUICK=1` shrinks every benchmark to a smoke run (short runs,
 * one round, smaller data sets): its figures are for checking the benchmarks work, not for comparing.
 */
export const QUICK = ['1', 'true', 'yes'].includes((process.env.BENCH_QUICK ?? '').toLowerCase());

/** A positive number from the environment, or the fallback (the quick one under BENCH_QUICK). */
export function positiveNumber(name: string, fallback: number, quick = fallback): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return QUICK ? quick : fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

/** A comma-separated list of positive integers, e.g. BENCH_WRITERS=8 to run only the 8-writer scenarios. */
export function numberList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v <= 0))
    throw new Error(`${name} must list positive integers`);
  return values;
}

export function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
