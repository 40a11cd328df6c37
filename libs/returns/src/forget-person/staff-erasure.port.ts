import type { KeySql } from '../../../event-store/src/index.js';

/** A member of staff as forgetting needs them: their account, and the name and address it holds. */
export interface StaffKnownAs {
  staffId: string;
  name: string;
  email: string;
}

/**
 * Staff accounts belong to the auth layer, above this one; forgetting a member of staff needs them found and
 * their account erased in the same transaction as PersonForgotten. Auth provides this port (globally), so the
 * one "Forget this person" serves contacts and staff alike without returns reaching up a layer.
 */
export interface StaffErasure {
  /** The partnership's member of staff with this address (any case), or null. */
  named(sql: KeySql, partnershipId: string, email: string): Promise<StaffKnownAs | null>;
  /** In the caller's transaction: the account disabled, its sessions and reset links ended, name and address erased. */
  erase(sql: KeySql, staffId: string, at: Date): Promise<void>;
}

export const STAFF_ERASURE = Symbol('StaffErasure');
