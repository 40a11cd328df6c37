import { connectTimedOut, queryTimedOut } from '../../database/src/index.js';

/**
 * Whether an error says PostgreSQL cannot be reached just now (refused, stalled past the pool's connection
 * timeout, shutting down or starting up, a connection cut, a statement that timed out: see queryTimedOut), rather
 * than that a query was wrong: such a request is answered 503 with Retry-After, not 500, and nothing it did was
 * committed half way.
 */
export function databaseUnavailable(error: unknown): boolean {
  if (queryTimedOut(error)) return true;
  const driver = (error as { driverError?: unknown })?.driverError ?? error;
  const code = (driver as { code?: unknown })?.code;
  if (typeof code === 'string') {
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'].includes(code)) return true;
    // 57P01-57P03: terminated by an administrator, crash shutdown, cannot connect now; 08: connection exceptions;
    // 53: the server is out of a resource (too many connections, memory, disk); 3D000: the database is not there
    // (dropped and being restored).
    if (/^57P0[123]$/.test(code) || code.startsWith('08') || code.startsWith('53') || code === '3D000')
      return true;
  }
  const message = (driver as { message?: unknown })?.message;
  // 55000 is any object in the wrong state; only this one says the database takes no connections just now
  // (ALTER DATABASE ... ALLOW_CONNECTIONS false, as an operator does for maintenance).
  if (
    code === '55000' &&
    typeof message === 'string' &&
    message.includes('is not currently accepting connections')
  )
    return true;
  return (
    connectTimedOut(error) ||
    (typeof message === 'string' &&
      /^(Connection terminated|Client has encountered a connection error)/.test(message))
  );
}

/** How long a client should wait before trying again, in seconds (Retry-After). */
export const DATABASE_RETRY_AFTER_S = 30;
