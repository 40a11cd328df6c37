import { ERASED, wholeAddress } from '../../../event-store/src/index.js';
import type { ForgottenValues } from '../../../returns/src/index.js';
import { rendered } from '../redact-passage/redacted-publication.js';

/**
 * The text with each of the person's addresses replaced by [erased] wherever it stands whole, and the whole text
 * replaced where it is one of their names (a case study's author, say): the rule the in-place erasure of copies
 * keeps (eraseCopies), so a publication says what the read models say.
 */
function withoutPerson(text: string, addresses: readonly RegExp[], names: ReadonlySet<string>): string {
  if (names.has(text.trim().toLowerCase())) return ERASED;
  return addresses.reduce((t, address) => t.replace(address, ERASED), text);
}

function walk(value: unknown, erase: (text: string) => string): unknown {
  if (typeof value === 'string') return erase(value);
  if (Array.isArray(value)) return value.map((v) => walk(v, erase));
  if (typeof value !== 'object' || value === null) return value;
  const held = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(held)) out[key] = walk(v, erase);
  // A Markdown text's rendering (`narrativeHtml` beside `narrative`) holds an address as a link and escaped, where
  // no replacement finds it whole: it is rendered again from the text that lost it.
  return rendered(held, out);
}

/**
 * A publication's bytes without a forgotten person, or null when they never held them. Every string of the
 * report is searched, as the person's address or name can stand in any free text of it.
 */
export function publicationWithoutPerson(body: string, values: ForgottenValues): string | null {
  const addresses = values.emails.map((email) => new RegExp(wholeAddress(email), 'gi'));
  const names = new Set(values.names.map((n) => n.trim().toLowerCase()).filter(Boolean));
  const published: unknown = JSON.parse(body);
  const without = JSON.stringify(walk(published, (text) => withoutPerson(text, addresses, names)));
  return without === JSON.stringify(published) ? null : without;
}
