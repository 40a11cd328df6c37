import { LogCheckpoints, LogDigest } from '../../libs/event-store/src/index.js';
import { eventually } from './eventually.js';

/**
 * A log checkpoint of every event appended so far, for a test that has just appended. The event fence can be
 * held back for a moment by a transaction of another database: one that commits between PostgreSQL's snapshot and
 * the look at pg_stat_activity that would say whose it is is counted as this database's (event_fence() errs
 * towards waiting). Tests sharing the server saw that as a null digest, or one of part of the log (1 stream of 3),
 * now and then; `coveringAll` takes none until it covers everything, and this asks again.
 */
export function digestNow(checkpoints: LogCheckpoints): Promise<LogDigest> {
  return eventually(() => checkpoints.take(undefined, { coveringAll: true }), 15_000);
}
