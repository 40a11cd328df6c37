/** The stretch of time one digest covers: from start, up to but not including end. */
export interface DigestWindow {
  start: Date;
  end: Date;
}

/**
 * The window an instant falls in. Windows are counted from the Unix epoch, so every worker, and a worker started
 * again after a crash, puts a thing in the same window, and the digest's key (its start) is the same.
 */
export function windowOf(at: Date, intervalMs: number): DigestWindow {
  const start = Math.floor(at.getTime() / intervalMs) * intervalMs;
  return { start: new Date(start), end: new Date(start + intervalMs) };
}

/** The ledger key of a person's digest of a window: with the person's stream, the mail's id. */
export const digestKey = (window: DigestWindow) => window.start.toISOString();

export const digestStreamId = (staffId: string) => `digests:${staffId}`;
