export interface LineChange {
  /** ' ' kept, '-' only in the earlier text, '+' only in the later one. */
  op: ' ' | '-' | '+';
  text: string;
}

/** Beyond this many line pairs the table would be too big: the whole text is shown as replaced instead. */
const MAX_CELLS = 4_000_000;

/** A line-by-line difference (longest common subsequence), the way a reviewer reads a changed narrative. */
export function lineDiff(before: string, after: string): LineChange[] {
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  if (a.length * b.length > MAX_CELLS) {
    return [
      ...a.map((text) => ({ op: '-' as const, text })),
      ...b.map((text) => ({ op: '+' as const, text })),
    ];
  }
  // common[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i][j] = a[i] === b[j] ? common[i + 1][j + 1] + 1 : Math.max(common[i + 1][j], common[i][j + 1]);
    }
  }
  const changes: LineChange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      changes.push({ op: ' ', text: a[i] });
      i++;
      j++;
    } else if (common[i + 1][j] >= common[i][j + 1]) {
      changes.push({ op: '-', text: a[i++] });
    } else {
      changes.push({ op: '+', text: b[j++] });
    }
  }
  while (i < a.length) changes.push({ op: '-', text: a[i++] });
  while (j < b.length) changes.push({ op: '+', text: b[j++] });
  return changes;
}
