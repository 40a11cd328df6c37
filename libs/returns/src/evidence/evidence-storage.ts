import type { Readable } from 'node:stream';
import type { EntityManager } from 'typeorm';

/** What a store answers once it holds a file's bytes. */
export interface StoredEvidence {
  /** Opaque to everything but the store that made it; recorded in EvidenceAttached. */
  storageKey: string;
  bytes: number;
  /** Hex SHA-256 of the bytes as they were streamed in. */
  sha256: string;
}

/**
 * Where evidence files' bytes live. Bytes go in and out as streams, never whole in memory. PostgreSQL is the
 * store today (PostgresEvidenceStorage); an S3-compatible one would be another class with these four methods,
 * provided under this token instead (see README, Evidence files).
 *
 * A put is all or nothing: when `content` errors (the client went away, or the inspection refused it) the
 * store keeps nothing of it (a store that could not delete what it had begun leaves it to the sweep, as bytes no
 * event names).
 */
export interface EvidenceStorage {
  put(content: Readable): Promise<StoredEvidence>;
  /** The bytes, streamed; null when the store has none under that key. */
  get(storageKey: string): Promise<Readable | null>;
  /**
   * Deleting what is not there is not an error: removal and the sweep may both try. Given `sql`, a transaction of
   * the database that records the removal, the delete joins it and the bytes go when it commits (a store outside
   * the database would delete at once).
   */
  delete(storageKey: string, sql?: Pick<EntityManager, 'query'>): Promise<void>;
  /** Keys stored before `cutoff`, oldest first, at most `limit`: the sweep asks which of them no event names. */
  storedBefore(cutoff: Date, limit: number): Promise<string[]>;
}

export const EVIDENCE_STORAGE = Symbol('EvidenceStorage');
