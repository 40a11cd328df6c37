/**
 * Cycle ids are scoped per partnership. A cycle drafted from this release on is `<partnership>~<name>`: the name
 * the coordinator chose (a slug, unique in their partnership) or a UUID. Two partnerships may therefore both have
 * a `y1-2019-20`, and drafting one never tells a partnership that the other's exists. Cycles drafted before this
 * rule keep the global ids they were given (no `~`), their events, read-model rows and addresses unchanged.
 * Return ids follow their cycle's: `<cycle id>.<measure ref>`.
 */
export const CYCLE_NAME = /^[a-z0-9-]{1,64}$/;
const SCOPE = '~';

export const scopedCycleId = (partnershipId: string, name: string): string =>
  `${partnershipId}${SCOPE}${name}`;

/** Whether a cycle id names a cycle of this partnership by its form alone (false for ids drafted before scoping). */
export const isScopedTo = (cycleId: string, partnershipId: string): boolean =>
  cycleId.startsWith(`${partnershipId}${SCOPE}`);

/** Whether an id is already a whole cycle id of the scoped form. */
export const isScoped = (cycleId: string): boolean => cycleId.includes(SCOPE);

/** The part people chose: the name of a scoped id, or the whole of an id drafted before scoping. */
export const cycleNameOf = (cycleId: string): string => {
  const at = cycleId.indexOf(SCOPE);
  return at >= 0 ? cycleId.slice(at + 1) : cycleId;
};
