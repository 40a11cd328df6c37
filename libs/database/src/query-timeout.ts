import { DataSourceOptions } from 'typeorm';
import { StallEndingClient } from './stall-ending-client.js';

/**
 * How much longer than PostgreSQL's own statement_timeout the client waits for an answer: a server that is
 * working cancels a statement itself (57014) and the connection stays in the pool; only a server that sends
 * nothing at all (stopped, or the network between gone silent) is given up on from this side.
 */
export const QUERY_TIMEOUT_GRACE_MS = 1_000;

/**
 * The DataSource options with no statement running longer than `timeoutMs` (DATABASE_QUERY_TIMEOUT_MS): the api's
 * and the worker's, so that a PostgreSQL that stalls makes a request answer 503 and a job or processor retry,
 * instead of waiting as long as the stall lasts.
 *
 * - `statement_timeout`: PostgreSQL cancels a statement that runs longer (a lock held, a huge scan): 57014.
 * - `query_timeout`, a little later: a server that sends no answer at all is given up on from the client, and
 *   the connection is ended rather than given back to the pool (StallEndingClient).
 * - the pool's connection timeout (for a new connection, or a wait for a free one; 10 s in dataSourceOptions) is
 *   made no longer than the query timeout.
 *
 * Not `idle_in_transaction_session_timeout`: the worker's processors and the relay hold a batch's transaction
 * open while they wait on Redis, and a request its command's while it works; a session ended under them fails
 * them where a slow dependency should only slow them. A transaction whose client has gone (ended here on a
 * timeout) ends when PostgreSQL sees the connection close.
 *
 * Migrations, backups and restores open their databases without it (openDatabase), as does the api's and the
 * worker's start-up before they serve: one statement of theirs may take minutes. The operator commands
 * (scripts/database-command.ts, log:*, processors, projections:rebuild) use it: each statement of theirs is short,
 * even in a rebuild or a log:verify that takes minutes in all (pages and batches of a fraction of a second).
 */
export function withQueryTimeout(options: DataSourceOptions, timeoutMs: number): DataSourceOptions {
  const extra = (options.extra ?? {}) as { connectionTimeoutMillis?: number };
  return {
    ...options,
    extra: {
      ...extra,
      Client: StallEndingClient,
      statement_timeout: timeoutMs,
      query_timeout: timeoutMs + QUERY_TIMEOUT_GRACE_MS,
      connectionTimeoutMillis: Math.min(extra.connectionTimeoutMillis ?? timeoutMs, timeoutMs),
    },
  } as DataSourceOptions;
}
