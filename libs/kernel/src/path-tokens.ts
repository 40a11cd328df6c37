/**
 * A request's address as it may be written down (a log line, a problem's `instance`): no query string, and no
 * token a path carries. A submission link's token and a set-password token are the path itself (`/l/<token>`,
 * `/account/set-password/<token>`), so whatever follows an `l` or `set-password` segment becomes `[token]`.
 *
 * The address is the one the client sent, before any router or proxy tidied it, so the segments are found as any
 * of them might read them: slashes repeated (`//l/…`), backslashes, slashes percent-encoded once or more
 * (`/l%2F…`, `/l%252F…`), dot segments (`/./l/…`, `/x/../l/…`), a segment in another case or percent-encoded
 * (`/L/…`, `/%6C/…`), or with parameters after a semicolon (`/l;x/…`).
 */
export function redactPathTokens(url: string): string {
  const path = url.split(/[?#]/)[0];
  // Segments at the even places, the separators between them at the odd ones.
  const parts = path.split(SEPARATORS);
  for (let i = 0; i < parts.length; i += 2) {
    // A segment may hide separators under more than one layer of encoding ("%25%32%46" is "%2F" once decoded).
    const names = decoded(parts[i])
      .split(/[/\\]+/)
      .map(segmentName);
    const at = names.findIndex((name) => TOKEN_AFTER.has(name));
    if (at < 0) continue;
    const after = [...names.slice(at + 1), ...parts.slice(i + 2).filter((_, j) => j % 2 === 0)];
    if (after.every((segment) => segment === '')) return path;
    // The marker alone in its segment is kept as sent ("/l/[token]", "//L/[token]"); one mixed with what
    // follows it ("/l%25%32%46…") goes with the token.
    return names.length === 1
      ? `${parts.slice(0, i + 1).join('')}/[token]`
      : `${parts.slice(0, i).join('')}[token]`;
  }
  return path;
}

/** The segments a token follows: `/l/<token>` and `/account/set-password/<token>`. */
const TOKEN_AFTER = new Set(['l', 'set-password']);

/** One or more of `/`, `\`, or either percent-encoded (`%2F`, `%5C`), however many times (`%252F`). */
const SEPARATORS = /((?:[/\\]|%(?:25)*(?:2f|5c))+)/i;

/** Percent-decoded until nothing more decodes (or what is left is not a valid encoding). */
function decoded(segment: string): string {
  let text = segment;
  for (let i = 0; i < 10 && text.includes('%'); i += 1) {
    try {
      const once = decodeURIComponent(text);
      if (once === text) break;
      text = once;
    } catch {
      break;
    }
  }
  return text;
}

/** A decoded segment as a router might name it: before any `;` parameters, trimmed, lower case. */
function segmentName(segment: string): string {
  return segment.split(';')[0].trim().toLowerCase();
}
