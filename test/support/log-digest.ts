import { LogCheckpoints, LogDigest } from '../../libs/event-store/src/index.js';
import { eventually } from './eventually.js';

/**
 * A log checkpoint taken now, for a test that has just appended. `take()` answers null while the event fence has
 * not passed the new events, and the fence can be held back for a moment by a transaction of another database:
 * one that commits between PostgreSQL's snapshot and the look at pg_stat_activity that would say whose it is is
 * counted as this database's (event_fence() errs towards waiting). Tests sharing the server saw that as a null
 * digest now and then, so this asks again.
 */
export function digestNow(checkpoints: LogCheckpoints): Promise<LogDigest> {
  return eventually(() => checkpoints.take(), 15_000);
}
