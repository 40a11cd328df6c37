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
