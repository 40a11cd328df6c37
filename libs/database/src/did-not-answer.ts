import { DependencyError } from '../../config/src/index.js';
import { connectTimedOut, queryTimedOut } from './query-timed-out.js';

/**
 * The one line an operator's command ends with when PostgreSQL stopped answering under it (its statements given up
 * after DATABASE_QUERY_TIMEOUT_MS, see withQueryTimeout): the DependencyError naming DATABASE_URL, or null when
 * `error` is anything else. `then` says what to do about it, the command's own words.
 */
export function didNotAnswer(
  error: unknown,
  queryTimeoutMs: number,
  then = 'run it again once it answers',
): DependencyError | null {
  if (!queryTimedOut(error) && !connectTimedOut(error)) return null;
  return new DependencyError(
    'DATABASE_URL',
    `PostgreSQL did not answer within DATABASE_QUERY_TIMEOUT_MS (${queryTimeoutMs} ms): ${then}`,
  );
}
