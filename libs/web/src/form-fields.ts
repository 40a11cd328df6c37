import { BadRequestException } from '@nestjs/common';

/**
 * What a urlencoded form field can be once parsed: missing, a string, or a list when the name came more than
 * once. A browser filling in our pages sends a single-valued field once, but anyone can post `name=a&name=b`:
 * a handler that calls a string's methods on what came would answer 500. These read a field as what the page
 * means it to be.
 */
export type FormValue = string | string[] | undefined;

/** A field's one value: the first when it came more than once; undefined when missing or not text. */
function firstText(value: unknown): string | undefined {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof first === 'string' ? first : undefined;
}

/** A single-valued field: its value, the first one when it came more than once, '' when missing. */
export function formText(value: unknown): string {
  return firstText(value) ?? '';
}

/**
 * The version a page was rendered at, from its hidden field: a whole number of up to 9 digits; undefined when the
 * form carried none (a form that has no version to check). Read from the field's one value, so a field posted
 * twice is not a list turned into NaN. Anything else is refused: read as "no version", `abc` or `1e400` would let
 * a post skip the stale check that the page's own version would have made (the API refuses the same in If-Match).
 */
export function formPageVersion(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const text = firstText(value);
  if (text === '') return undefined;
  if (text !== undefined && /^\d{1,9}$/.test(text)) return Number(text);
  throw new BadRequestException({
    type: 'https://partner-returns.dev/problems/validation',
    title: 'This form was not one this service sent',
    status: 400,
    message:
      'The form’s hidden version was not one this service wrote. Nothing was saved: reload the page and try again.',
    errors: [
      { field: 'version', rule: 'page-version', message: 'must be the version the page was shown at' },
    ],
  });
}

/** A field that may be chosen more than once (checkboxes): every value that came, in order; [] when none. */
export function formList(value: unknown): string[] {
  return (Array.isArray(value) ? (value as unknown[]) : value === undefined ? [] : [value]).filter(
    (v): v is string => typeof v === 'string',
  );
}

/** A form read as single values: what a handler of a form with no list fields works on. */
export type FormFields = Record<string, string | undefined>;

/** Every field as a single value, the first when it came more than once; fields that are not text left out. */
export function singleValues(form: unknown): FormFields {
  const fields: FormFields = {};
  if (typeof form !== 'object' || form === null) return fields;
  for (const [name, value] of Object.entries(form)) {
    const text = firstText(value);
    if (text !== undefined) fields[name] = text;
  }
  return fields;
}
