/**
 * What a urlencoded form field can be once parsed: missing, a string, or a list when the name came more than
 * once. A browser filling in our pages sends a single-valued field once, but anyone can post `name=a&name=b`:
 * a handler that calls a string's methods on what came would answer 500. These read a field as what the page
 * means it to be.
 */
export type FormValue = string | string[] | undefined;

/** A single-valued field: its value, the first one when it came more than once, '' when missing. */
export function formText(value: unknown): string {
  const first = Array.isArray(value) ? (value as unknown[])[0] : value;
  return typeof first === 'string' ? first : '';
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
    const first = Array.isArray(value) ? (value as unknown[])[0] : value;
    if (typeof first === 'string') fields[name] = first;
  }
  return fields;
}
