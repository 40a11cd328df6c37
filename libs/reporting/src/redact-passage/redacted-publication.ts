import { REDACTED } from '../../../returns/src/index.js';

/** Every string in a parsed JSON value with the passage replaced by [redacted]. */
function redactStrings(value: unknown, passage: string): unknown {
  if (typeof value === 'string') return value.split(passage).join(REDACTED);
  if (Array.isArray(value)) return value.map((v) => redactStrings(v, passage));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactStrings(v, passage)]));
  }
  return value;
}

/**
 * A publication's bytes re-issued without the passage, or null when they never held it. The report is the same
 * report as published (same returns, same dates), the passage replaced wherever a text held it; only the
 * strings of the JSON are searched, so a passage cannot match across its structure.
 */
export function redactedPublicationBody(body: string, passage: string): string | null {
  const published: unknown = JSON.parse(body);
  const redacted = JSON.stringify(redactStrings(published, passage));
  return redacted === JSON.stringify(published) ? null : redacted;
}
