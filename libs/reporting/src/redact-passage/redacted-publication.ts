import { lineEndingForms } from '../../../kernel/src/index.js';
import { REDACTED, renderNarrative } from '../../../returns/src/index.js';

/** The text with every occurrence of each form of the passage replaced by [redacted]. */
const without = (text: string, forms: readonly string[]): string =>
  forms.reduce((t, form) => t.split(form).join(REDACTED), text);

/**
 * Every string in a parsed JSON value with the passage replaced by [redacted]. A publication also holds each
 * Markdown text rendered (`narrativeHtml` beside `narrative`, `bodyHtml` beside `body`), where the passage reads
 * escaped ("Smith &amp; Jones") or split by tags ("<strong>Kayden</strong> Quint"), so no string replacement
 * finds it there: the rendering of a text that lost the passage is made again from the redacted text.
 */
function redactStrings(value: unknown, forms: readonly string[]): unknown {
  if (typeof value === 'string') return without(value, forms);
  if (Array.isArray(value)) return value.map((v) => redactStrings(v, forms));
  if (typeof value !== 'object' || value === null) return value;
  const held = value as Record<string, unknown>;
  const out = Object.fromEntries(Object.entries(held).map(([k, v]) => [k, redactStrings(v, forms)]));
  for (const key of Object.keys(out)) {
    const source = key.endsWith('Html') ? key.slice(0, -'Html'.length) : null;
    if (source === null || typeof held[source] !== 'string' || typeof out[key] !== 'string') continue;
    if (out[source] !== held[source]) out[key] = renderNarrative(out[source] as string);
  }
  return out;
}

/**
 * A publication's bytes re-issued without the passage, or null when they never held it. The report is the same
 * report as published (same returns, same dates), the passage replaced wherever a text held it; only the
 * strings of the JSON are searched, so a passage cannot match across its structure. The passage is looked for
 * with line feeds and with CRLF (see lineEndingForms): one pasted into the redaction page's textarea arrives with
 * CRLF, while the texts it was published from may have either.
 */
export function redactedPublicationBody(body: string, passage: string): string | null {
  const published: unknown = JSON.parse(body);
  const redacted = JSON.stringify(redactStrings(published, lineEndingForms(passage)));
  return redacted === JSON.stringify(published) ? null : redacted;
}
