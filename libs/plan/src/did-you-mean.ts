/** Keys compared as people mistype them: case, "-" and "_" do not count. */
const folded = (key: string) => key.toLowerCase().replace(/[-_\s]/g, '');

/**
 * The known key a mistyped one most likely meant ("rol" → "role", "priorty" → "priority", "lead_agency" →
 * "leadAgency"), or null when none is close: at most one edit in three characters, a swap of two neighbours
 * counting as one.
 */
export function didYouMean(unknown: string, known: readonly string[]): string | null {
  const typed = folded(unknown);
  let best: { key: string; distance: number } | null = null;
  for (const key of known) {
    const distance = editDistance(typed, folded(key));
    if (!best || distance < best.distance) best = { key, distance };
  }
  if (!best) return null;
  return best.distance <= Math.max(1, Math.floor(Math.max(typed.length, 3) / 3)) ? best.key : null;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
    }
  }
  return rows[a.length][b.length];
}
