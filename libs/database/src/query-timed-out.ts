/** node-postgres's error when a query got no answer within `query_timeout` (it sets no code). */
export const QUERY_READ_TIMEOUT = 'Query read timeout';

/**
 * Whether an error says a statement was given up on for taking too long, not that it was wrong: PostgreSQL
 * cancelled it (57014 query_canceled: `statement_timeout`, or an operator's pg_cancel_backend), or the server sent
 * no answer at all within the client's `query_timeout` (stalled, or the network between gone silent). Either way
 * nothing of it was committed, and the same statement may well succeed a moment later.
 */
export function queryTimedOut(error: unknown): boolean {
  const driver = (error as { driverError?: unknown })?.driverError ?? error;
  if ((driver as { code?: unknown })?.code === '57014') return true;
  const message = (driver as { message?: unknown })?.message;
  return typeof message === 'string' && message.startsWith(QUERY_READ_TIMEOUT);
}

/** node-postgres's pool's error when no connection could be made or freed within `connectionTimeoutMillis`. */
export const CONNECT_TIMEOUT = 'timeout exceeded when trying to connect';

/**
 * Whether an error says no connection came within the pool's connection timeout: with withQueryTimeout that is
 * the query timeout too, so a stalled server gives either this or queryTimedOut, whichever of a command's
 * statements meets the stall first (they may run side by side, each on a connection of its own).
 */
export function connectTimedOut(error: unknown): boolean {
  const driver = (error as { driverError?: unknown })?.driverError ?? error;
  const message = (driver as { message?: unknown })?.message;
  return typeof message === 'string' && message.startsWith(CONNECT_TIMEOUT);
}
