import { passageForms } from '../../../kernel/src/index.js';
import { renderNarrative, withoutPassage as without } from '../../../returns/src/index.js';

/** Where a publication holds a return's free texts: a measure's narrative and comments (and the reason for a RAG). */
const FREE_TEXT_KEYS = new Set(['narrative', 'comments', 'ragReason']);

/** A case study, in a measure or an appendix, in every shape a publication has had: a title and sections. */
const isCaseStudy = (value: Record<string, unknown>) => Array.isArray(value.sections);

/**
 * The parsed JSON with the passage replaced by [redacted] in the free texts a redaction may reach, and only
 * there: a measure's narrative, comments and reason, and a case study's title and section bodies. The rest of the
 * report (measure texts, agency and theme names, headings, ids, dates, RAG words) is the plan's, not what a
 * return said: a short passage ("into", a first name) replaced in every string rewrote the measures' wording of
 * the re-issued public report, and the bytes it replaced are deleted. A publication also holds each Markdown
 * text rendered (`narrativeHtml` beside `narrative`, `bodyHtml` beside `body`), where the passage reads escaped
 * ("Smith &amp; Jones") or split by tags ("<strong>Kayden</strong> Quint"), so no string replacement finds it
 * there: the rendering of a text that lost the passage is made again from the redacted text.
 */
function redactFreeTexts(value: unknown, forms: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => redactFreeTexts(v, forms));
  if (typeof value !== 'object' || value === null) return value;
  const held = value as Record<string, unknown>;
  const study = isCaseStudy(held);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(held)) {
    if (typeof v === 'string') {
      out[key] = FREE_TEXT_KEYS.has(key) || (study && key === 'title') ? without(v, forms) : v;
    } else if (study && key === 'sections' && Array.isArray(v)) {
      out[key] = v.map((section: unknown) => {
        if (typeof section !== 'object' || section === null) return section;
        const s = section as Record<string, unknown>;
        return typeof s.body === 'string' ? rendered(s, { ...s, body: without(s.body, forms) }) : s;
      });
    } else {
      out[key] = redactFreeTexts(v, forms);
    }
  }
  return rendered(held, out);
}

/**
 * `out` with each `<key>Html` rendered again from `<key>` where the redaction changed `<key>`; forgetting a
 * person re-issues a publication the same way (publication-without-person.ts).
 */
export function rendered(
  held: Record<string, unknown>,
  out: Record<string, unknown>,
): Record<string, unknown> {
  for (const key of Object.keys(out)) {
    const source = key.endsWith('Html') ? key.slice(0, -'Html'.length) : null;
    if (source === null || typeof out[source] !== 'string' || typeof out[key] !== 'string') continue;
    if (out[source] !== held[source]) out[key] = renderNarrative(out[source] as string);
  }
  return out;
}

/**
 * A publication's bytes re-issued without the passage, or null when its free texts never held it. The report is
 * the same report as published (same returns, same dates), the passage replaced wherever a return's free text
 * (or an appendix's case study) held it; only those strings of the JSON are searched, so a passage cannot match
 * across its structure nor rewrite the plan's words. The passage is looked for in every form (see passageForms):
 * one pasted into the redaction page's textarea arrives with CRLF, while the texts it was published from may
 * have either, and accents composed or not.
 */
export function redactedPublicationBody(body: string, passage: string): string | null {
  const published: unknown = JSON.parse(body);
  const redacted = JSON.stringify(redactFreeTexts(published, passageForms(passage)));
  return redacted === JSON.stringify(published) ? null : redacted;
}
