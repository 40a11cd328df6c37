import { queryTimedOut } from '../../database/src/index.js';

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
    // 57P01-57P03: terminated by an administrator, crash shutdown, cannot connect now; 08: connection exceptions.
    if (/^57P0[123]$/.test(code) || code.startsWith('08')) return true;
  }
  const message = (driver as { message?: unknown })?.message;
  return (
    typeof message === 'string' &&
    /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/.test(
      message,
    )
  );
}

/** How long a client should wait before trying again, in seconds (Retry-After). */
export const DATABASE_RETRY_AFTER_S = 30;
