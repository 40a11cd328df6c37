import type { EntityManager } from 'typeorm';
import type { CommandEnvelope } from '../../../kernel/src/index.js';

/** A forgotten person's values as they were, read with their key just before it went. */
export interface ForgottenValues {
  emails: readonly string[];
  names: readonly string[];
}

/**
 * Publications belong to the reporting layer, above this one. A publication is the bytes the hash in its
 * ReportPublished vouches for, so forgetting someone it names cannot rewrite it in place: it is re-issued without
 * them (as a redaction re-issues one), its old bytes deleted and their hash kept with why, in the forgetting's own
 * transaction. Reporting provides this port (globally) wherever the forget handler runs; where it is absent,
 * forgetting rewrites the bytes in place, so nothing of the person stays readable either way.
 */
export interface PublicationErasure {
  /** The publications of these partnerships re-issued without the values; how many were. */
  reissueWithout(
    sql: EntityManager,
    envelope: CommandEnvelope,
    partnershipIds: readonly string[],
    values: ForgottenValues,
    at: Date,
  ): Promise<number>;
}

export const PUBLICATION_ERASURE = Symbol('PublicationErasure');

/** The table whose copies PublicationErasure erases by re-issuing, left out of the in-place erasure. */
export const PUBLICATIONS_TABLE = 'published_reports';
