/**
 * What a plan's texts and contact emails must not hold. A plan is shown to every partner and its contacts are
 * sent the links to answer returns: a zero-width space or a full-width letter in an email makes a second
 * "priya.shah@example.org" beside the real one (mail to it goes nowhere, or somewhere else), and a
 * right-to-left override makes a name read otherwise than it is written.
 *
 * Invisible: format characters (\p{Cf}: zero-width spaces and joiners, soft hyphens, direction marks, embeddings
 * and overrides), control characters (\p{Cc}; a text of several lines may hold line feeds and tabs, a name none)
 * and the Unicode line and paragraph separators.
 */
const INVISIBLE_IN_A_LINE = /[\p{Cf}\p{Cc}\u2028\u2029]/u;
const INVISIBLE_IN_TEXT = /[\p{Cf}\u2028\u2029]|(?![\n\t])\p{Cc}/u;

/**
 * Printable ASCII without the space: what an address a partner's mail can be sent to is written in. Whitespace
 * is left to the address's format check (name@example.org), which refuses it in its own words.
 */
const NOT_IN_AN_EMAIL = /(?!\s)[^\x21-\x7e]/;

/** Why a name (one line) or a text (lines allowed) of the plan cannot be taken, or null when it can. */
export function planTextFault(value: string, lines: 'one line' | 'lines'): string | null {
  const found = (lines === 'one line' ? INVISIBLE_IN_A_LINE : INVISIBLE_IN_TEXT).exec(value);
  return found
    ? `must not hold invisible or control characters such as zero-width spaces or direction overrides (${described(value, found.index)})`
    : null;
}

/** Why a contact's email cannot be taken for its characters, or null when it can. */
export function planEmailFault(value: string): string | null {
  const found = NOT_IN_AN_EMAIL.exec(value);
  return found
    ? `must be written in plain ASCII letters, digits and signs, without spaces or invisible characters (${described(value, found.index)}): an address with other characters cannot be used`
    : null;
}

function described(value: string, index: number): string {
  const code = value.codePointAt(index) ?? 0;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')} at character ${[...value.slice(0, index)].length + 1}`;
}
