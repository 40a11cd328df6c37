/**
 * Cycle ids are scoped per partnership. A cycle drafted from this release on is `<partnership>~<name>`: the name
 * the coordinator chose (a slug, unique in their partnership), or one read from its label (cycleNameFromLabel), or
 * a UUID when the label has nothing to read. Two partnerships may therefore both have
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

/** The longest a cycle's name may be (CYCLE_NAME). */
const NAME_LENGTH = 64;

/**
 * The name a cycle drafted without one is given, read from its label as a coordinator would likely have typed it:
 * "Year 1 2019/20" gives `year-1-2019-20`, so its links and report file names say which cycle they are. Accents
 * are dropped ("Année" gives `annee`), anything else not a letter or digit joins the words with one "-", and a
 * long label is cut at a word. Null when the label has no letter or digit to read (only emoji, say).
 */
export function cycleNameFromLabel(label: string | null | undefined): string | null {
  const name = (label ?? '')
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return name ? cutAtWord(name, NAME_LENGTH) : null;
}

/**
 * The first of `name`, `name-2`, `name-3`... that is not `taken`: the cycle a partnership drafts with a label it
 * has used before gets a name of its own. The suffix is kept and the name before it cut, to stay a cycle name.
 */
export function firstFreeCycleName(name: string, taken: ReadonlySet<string>): string {
  if (!taken.has(name)) return name;
  for (let n = 2; ; n++) {
    const suffix = `-${n}`;
    const candidate = `${cutAtWord(name, NAME_LENGTH - suffix.length)}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** `name` at most `length` long, cut after a whole word where it has one to cut at, never ending in "-". */
function cutAtWord(name: string, length: number): string {
  if (name.length <= length) return name;
  const cut = name.slice(0, length);
  const lastBreak = name[length] === '-' ? length : cut.lastIndexOf('-');
  return (lastBreak > 0 ? cut.slice(0, lastBreak) : cut).replace(/-+$/, '');
}
