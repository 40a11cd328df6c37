import { Actor } from './domain-error.js';

/** Who asks, under which request, and (for optimistic concurrency) which version they last saw. */
export interface CommandEnvelope {
  actor: Actor;
  correlationId: string;
  /** The version the caller read (If-Match or a version field); the loaded version when absent. */
  expectedVersion?: number;
}

export interface CommandResult {
  id: string;
  version: number;
  status: string;
}
