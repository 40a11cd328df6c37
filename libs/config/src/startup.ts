import { ConfigError } from './config.js';

/**
 * A dependency a process needs is not there: the message starts with the variable that names it, so an operator
 * knows at once what to check (never the URL itself, which may hold a password).
 */
export class DependencyError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'DependencyError';
  }
}

/** How long a process waits for PostgreSQL or Redis to answer before saying which one does not. */
export const DEPENDENCY_TIMEOUT_MS = 5_000;

/** Where a URL points, without its credentials: host and port. */
export function addressOf(url: string, defaultPort: number): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || defaultPort}`;
  } catch {
    return 'an unparseable address';
  }
}

/** The lines a process prints when it cannot start: one per problem, no stack. */
export function startupFailureLines(error: unknown): string[] {
  if (error instanceof ConfigError) return error.problems.map((p) => `Invalid configuration: ${p}`);
  if (error instanceof DependencyError) return [error.message];
  const message = error instanceof Error ? error.message : String(error);
  return [`Could not start: ${message.replace(/\s+/g, ' ').trim()}`];
}

/** Prints why the process could not start (see startupFailureLines) and exits non-zero. */
export function exitWithStartupFailure(error: unknown): never {
  for (const line of startupFailureLines(error)) console.error(line);
  process.exit(1);
}
