/** The stretch of time one digest covers: from start, up to but not including end. */
export interface DigestWindow {
  start: Date;
  end: Date;
}

/**
 * The window an instant falls in. Windows are counted from the Unix epoch, so every worker, and a worker started
 * again after a crash, puts a thing in the same window, and the digest's key is the same.
 */
export function windowOf(at: Date, intervalMs: number): DigestWindow {
  const start = Math.floor(at.getTime() / intervalMs) * intervalMs;
  return { start: new Date(start), end: new Date(start + intervalMs) };
}

/**
 * How far back a scan looks for windows with a digest owed: a worker (or Redis) away for less than this sends
 * the digests it missed when it is back; a digest older than this is not sent (its news is stale).
 */
export const DIGEST_CATCH_UP_MS = 2 * 24 * 3600_000;

/** The span a scan at `now` looks in: every window closed by now, and started within the catch-up. */
export function closedWindowsSpan(now: Date, intervalMs: number): DigestWindow {
  const end = windowOf(now, intervalMs).start;
  const start = windowOf(new Date(end.getTime() - DIGEST_CATCH_UP_MS), intervalMs).start;
  return { start, end };
}

/** The ledger key of a person's digest of a window: with the person's stream, the mail's id. */
export const digestKey = (window: DigestWindow) =>
  `${window.start.toISOString()}..${window.end.toISOString()}`;

export const digestStreamId = (staffId: string) => `digests:${staffId}`;
