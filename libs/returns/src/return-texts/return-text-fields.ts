import { ReturnContent } from '../return/return-content.js';

/**
 * The free-text fields of a return that may name people, and so may need a passage redacted: a redaction names
 * one of them. Case studies are one field: a passage is redacted from every case study's title and body, since
 * a case study's place in the list can change between versions. Reasons are one field too: every reason staff
 * gave sending the return back, reopening, extending, reassigning or withdrawing it (see reason-texts-hook.ts).
 */
export const REDACTABLE_FIELDS = ['narrative', 'comments', 'ragReason', 'caseStudies', 'reasons'] as const;
export type RedactableField = (typeof REDACTABLE_FIELDS)[number];

export const isRedactableField = (value: unknown): value is RedactableField =>
  typeof value === 'string' && (REDACTABLE_FIELDS as readonly string[]).includes(value);

/** What an event holds in place of a free text: the id of its row in return_texts. */
export interface TextRef {
  textId: string;
}

export const isTextRef = (value: unknown): value is TextRef =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { textId?: unknown }).textId === 'string' &&
  Object.keys(value).length === 1;

/** A free text of a content, with the field a redaction names it by. */
export interface HeldText<T> {
  field: RedactableField;
  value: T;
}

/**
 * Rebuilds `content` with each free text (a string, or a ref when reading) replaced by what `swap` makes of it.
 * The one walk over the fields, used both to move texts out (string -> ref) and to read them back (ref -> string).
 */
export function mapFreeTexts<C>(content: C, swap: (held: HeldText<unknown>) => unknown): C {
  // Content that is not an object (a malformed event of long ago) has no fields to hold apart: kept as it is.
  if (typeof content !== 'object' || content === null || Array.isArray(content)) return content;
  return mapFields(content as Record<string, unknown>, swap) as C;
}

function mapFields(
  content: Record<string, unknown>,
  swap: (held: HeldText<unknown>) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...content };
  for (const field of ['narrative', 'comments', 'ragReason'] as const) {
    const value = content[field];
    if (value !== undefined && value !== null) out[field] = swap({ field, value });
  }
  if (Array.isArray(content.caseStudies)) {
    out.caseStudies = content.caseStudies.map((study: unknown) => {
      // A malformed case study (a list, say) is kept as it is, for the report to name as unreadable.
      if (typeof study !== 'object' || study === null || Array.isArray(study)) return study;
      const s = study as { title?: unknown; sections?: unknown };
      const copy: Record<string, unknown> = { ...s };
      if (s.title !== undefined && s.title !== null)
        copy.title = swap({ field: 'caseStudies', value: s.title });
      if (Array.isArray(s.sections)) {
        copy.sections = s.sections.map((section: unknown) => {
          if (typeof section !== 'object' || section === null || Array.isArray(section)) return section;
          const body = (section as { body?: unknown }).body;
          return body === undefined || body === null
            ? section
            : { ...section, body: swap({ field: 'caseStudies', value: body }) };
        });
      }
      return copy;
    });
  }
  return out;
}

/** Every text of the field in one content, as it reads (a redaction checks its passage is among them). */
export function textsOfField(content: ReturnContent, field: RedactableField): string[] {
  const texts: string[] = [];
  mapFreeTexts(content, (held) => {
    if (held.field === field && typeof held.value === 'string') texts.push(held.value);
    return held.value;
  });
  return texts;
}

/** The events whose data holds a return's content, and so its free texts. */
export const CONTENT_EVENT_TYPES: ReadonlySet<string> = new Set([
  'ReturnDraftSaved',
  'ReturnSubmitted',
  'ReturnApproved',
  'ReturnAccepted',
]);

export const REDACTED = '[redacted]';

/**
 * The text with every occurrence of each form of a passage (see passageForms) replaced by [redacted], outside the
 * [redacted] of earlier redactions: a later passage such as "a" or "red" rewrote those too ("[red[redacted]cted]"),
 * and a passage found only inside them counted as found. A passage pasted with an earlier [redacted] in it (copied
 * from the return as it now reads) is replaced whole.
 */
export function withoutPassage(text: string, forms: readonly string[]): string {
  return forms.reduce(
    (t, form) =>
      form.includes(REDACTED)
        ? t.split(form).join(REDACTED)
        : t
            .split(REDACTED)
            .map((part) => part.split(form).join(REDACTED))
            .join(REDACTED),
    text,
  );
}

/** Whether the text holds a form of the passage where withoutPassage would replace it. */
export function holdsPassage(text: string, forms: readonly string[]): boolean {
  return forms.some((form) =>
    form.includes(REDACTED) ? text.includes(form) : text.split(REDACTED).some((part) => part.includes(form)),
  );
}
