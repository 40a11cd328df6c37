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
