import { diffArrays } from 'diff';

/**
 * What comparing two versions of a return may cost, in units of about a nanosecond of a slow machine's time
 * (measured on a busy 2-core machine; see `COST`): 25 ms, whatever the texts. A reviewer's usual edits cost a
 * small part of it; texts that would cost more are shown coarse (see `DiffBudget`).
 */
export const DIFF_BUDGET = 25_000_000;

/**
 * However the estimate below errs, a comparison stops looking for edits this long after it started: what is
 * not compared by then is shown coarse. A backstop: the estimate keeps a comparison far shorter.
 */
const DEADLINE_MS = 100;

/**
 * The estimated cost of each part of a comparison, in budget units. A Myers diff (the `diff` package's) of
 * n tokens that looks for at most d edits goes through at most about (d + 1)² diagonals, each with an object
 * or two to allocate (60 to 300 ns measured), and follows runs of equal tokens for no more than about
 * n × (d + 1) steps in all (1 to 3.5 ns a step measured, on the worst inputs found: long runs of one token).
 */
export const COST = {
  /** Setting up one diff. */
  call: 20_000,
  /** Each diagonal a diff goes through. */
  diagonal: 100,
  /** Each token times each edit looked for (following runs of equal tokens). */
  step: 4,
  /** Each character split into words, trimmed and numbered (about 130 + 75 ns measured). */
  wordChar: 250,
  /** Each character split into lines (paragraphs) and numbered. */
  lineChar: 4,
};

/** A Myers diff's cost (see `COST`): tokens, both sides together, and the edits looked for. */
const myersCost = (tokens: number, edits: number) =>
  COST.call + COST.diagonal * (edits + 1) ** 2 + COST.step * tokens * (edits + 1);

/**
 * The work budget of one comparison (a return's two versions), shared by all its texts, spent on the smallest
 * changes first where a text has several. Each part of the work asks whether it can afford it, and may take at
 * most half of what is left, so one passage too changed to compare leaves the rest to the others. A passage
 * the budget cannot afford to compare word by word (or line by line) is shown removed whole and added whole,
 * and counted in `coarsePassages`.
 */
export class DiffBudget {
  private spent = 0;
  private readonly deadline: number;
  /** Passages shown removed whole, then added whole, because finding their edits would cost too much. */
  coarsePassages = 0;

  constructor(
    readonly units = DIFF_BUDGET,
    deadlineMs = DEADLINE_MS,
  ) {
    this.deadline = Date.now() + deadlineMs;
  }

  /** What is left to spend (nothing once past the deadline). */
  get left(): number {
    return Date.now() > this.deadline ? 0 : Math.max(0, this.units - this.spent);
  }

  /** What has been spent (estimated), at most the budget plus the linear work every comparison must do. */
  get used(): number {
    return this.spent;
  }

  /** Whether this much work fits in half of what is left. */
  affords(units: number): boolean {
    return units <= this.left / 2;
  }

  spend(units: number): void {
    this.spent += units;
  }

  /** The most edits a diff of these many tokens may look for, in half of what is left. */
  editsFor(tokens: number): number {
    // The largest d + 1 with diagonal (d + 1)² + step × tokens × (d + 1) <= what is left to spend on it.
    const share = this.left / 2 - COST.call;
    if (share <= 0) return 0;
    const b = COST.step * tokens;
    return Math.floor((-b + Math.sqrt(b * b + 4 * COST.diagonal * share)) / (2 * COST.diagonal)) - 1;
  }

  /** Milliseconds until the deadline. */
  get msLeft(): number {
    return Math.max(0, this.deadline - Date.now());
  }
}

/** The runs of a diff of two token lists: `count` tokens kept (' '), only in the earlier (-) or the later (+). */
export interface Run {
  op: ' ' | '-' | '+';
  count: number;
}

/**
 * A Myers diff (the `diff` package's diffArrays) of two token lists, within the budget: tokens are compared as
 * numbers (equal when their `key` is), so a step costs the same for a long token as for a short one. At most
 * `cap` edits, and no more than the budget affords; undefined when the lists need more. The work is charged
 * either way.
 */
export function myers<T>(
  before: T[],
  after: T[],
  budget: DiffBudget,
  cap: number,
  key: (token: T) => string,
): Run[] | undefined {
  if (!before.length || !after.length) {
    return [
      ...(before.length ? [{ op: '-' as const, count: before.length }] : []),
      ...(after.length ? [{ op: '+' as const, count: after.length }] : []),
    ];
  }
  const tokens = before.length + after.length;
  const edits = Math.min(cap, budget.editsFor(tokens));
  // It takes at least as many edits as the lists differ in length: no need to start a diff bound to give up.
  if (edits < Math.max(1, Math.abs(before.length - after.length))) return undefined;
  const ids = new Map<string, number>();
  const idOf = (token: T) => {
    const k = key(token);
    let id = ids.get(k);
    if (id === undefined) ids.set(k, (id = ids.size));
    return id;
  };
  const parts = diffArrays(before.map(idOf), after.map(idOf), {
    maxEditLength: edits,
    timeout: budget.msLeft,
  });
  if (!parts) {
    budget.spend(myersCost(tokens, edits));
    return undefined;
  }
  const runs = parts.map((part) => ({
    op: part.added ? ('+' as const) : part.removed ? ('-' as const) : (' ' as const),
    count: part.value.length,
  }));
  const made = runs.reduce((sum, run) => sum + (run.op === ' ' ? 0 : run.count), 0);
  budget.spend(myersCost(tokens, made));
  return runs;
}
