import { clearValuesOf, eraseCopies } from './erase-copies.js';
import { isEmail } from './personal-fields.js';
import { KeySql, PersonalKeys } from './personal-keys.js';

export interface ErasedPerson {
  /** False when the person was already forgotten (or never known): nothing was done. */
  erased: boolean;
  /** Rows outside the log whose copies of the person's values were replaced or deleted. */
  copies: number;
  /** What the person's values were, read with their key before it went: for what erases copies its own way. */
  values: { emails: string[]; names: string[] };
}

/**
 * Forgets one person, in the caller's transaction (beside the PersonForgotten event): their values are read once
 * with their key to find the copies kept outside the log, the key is deleted (so every event that holds them reads
 * [erased], rebuilds included), and those copies are erased. No event row is touched.
 */
export async function erasePerson(
  sql: KeySql,
  keys: PersonalKeys,
  /** The partnerships forgetting them: copies are erased only from what is theirs (see eraseCopies). */
  partnershipIds: readonly string[],
  personId: string,
  reason: string,
  at: Date,
  /** Values of theirs held outside the log only (a member of staff's name on their account), erased as copies too. */
  alsoKnownAs: readonly string[] = [],
  /** Tables whose copies the caller erases its own way, with the values returned (see eraseCopies). */
  leave: readonly string[] = [],
): Promise<ErasedPerson> {
  const none = { erased: false, copies: 0, values: { emails: [], names: [] } };
  const key = await keys.keyOf(sql, personId);
  if (!key) return none;
  const known = [...new Set([...(await clearValuesOf(sql, personId, key)), ...alsoKnownAs])];
  if (!(await keys.erase(sql, personId, reason, at))) return none;
  const values = {
    emails: known.filter(isEmail),
    names: known.filter((v) => !v.includes('@') && v.trim() !== ''),
  };
  const copies = await eraseCopies(sql, partnershipIds, values, leave);
  return { erased: true, copies, values };
}
