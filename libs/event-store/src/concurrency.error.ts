import { ExpectedVersion } from './event.js';

/** The stream moved on since the caller read it. The API answers 409 with the current version. */
export class ConcurrencyError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actual: number | null,
  ) {
    super(
      `Stream ${streamId} is at version ${actual ?? 'none (no stream)'}, but version ${String(expected)} was expected`,
    );
    this.name = 'ConcurrencyError';
  }
}

/**
 * The If-Match check every command makes before deciding: a write made on a version the stream has moved on
 * from is refused (409), so it is never decided on state the writer did not see. No If-Match (undefined)
 * writes on the latest version; the append's own expected version still guards the race after the read.
 */
export function refuseStaleVersion(streamId: string, expected: number | undefined, actual: number): void {
  if (expected !== undefined && expected !== actual) throw new ConcurrencyError(streamId, expected, actual);
}

/**
 * Runs `decide` (read a stream, decide, append at the version read) again, up to 8 times, while another write to
 * `streamId` lands between its read and its append, when the writer stated no version (no If-Match): it asked
 * for the stream as it stands, and a write it never saw, such as a lead's use of a link on the cycle, is one it
 * has no quarrel with. A writer that stated the version it saw is refused as before. `streamId` may instead say
 * which streams count (any of a cycle's returns, say), for a command that appends to several.
 */
export async function decidedAgainWhenOutrun<T>(
  streamId: string | ((streamId: string) => boolean),
  stated: number | undefined,
  decide: () => Promise<T>,
): Promise<T> {
  const counts = typeof streamId === 'string' ? (id: string) => id === streamId : streamId;
  for (let attempt = 1; ; attempt++) {
    try {
      return await decide();
    } catch (error) {
      const outrun = error instanceof ConcurrencyError && counts(error.streamId);
      if (!outrun || stated !== undefined || attempt === 8) throw error;
    }
  }
}
