/**
 * Text that can be stored and shown: PostgreSQL refuses NUL in text and in jsonb, and half a surrogate pair is
 * not a character at all (jsonb refuses `\ud800`, and no font can draw it).
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export type TextFault = 'nul' | 'lone-surrogate';

export const TEXT_FAULT_MESSAGES: Record<TextFault, string> = {
  nul: 'must not contain the NUL character (\\u0000)',
  'lone-surrogate': 'must be well-formed Unicode (it holds half of a surrogate pair)',
};

/** Why this text cannot be stored, or null when it can. */
export function textFault(text: string): TextFault | null {
  if (text.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(text)) return 'lone-surrogate';
  return null;
}

/**
 * Characters XML 1.0 cannot carry (C0 controls but tab and newlines, and the noncharacters U+FFFE and U+FFFF):
 * a spreadsheet or Word file holding one is corrupt to Excel and Word. Stored text may hold them (an evidence
 * title, a narrative), so every writer of an Office file leaves them out.
 */
// eslint-disable-next-line no-control-regex
const NOT_IN_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

/** The text without what XML cannot carry. */
export function xmlCarriable(text: string): string {
  return text.replace(NOT_IN_XML, '');
}

/** A copy of a JSON-like value with every string in it made carriable in XML (keys too). */
export function xmlCarriableDeep<T>(value: T): T {
  if (typeof value === 'string') return xmlCarriable(value) as T;
  if (Array.isArray(value)) return value.map(xmlCarriableDeep) as T;
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [xmlCarriable(k), xmlCarriableDeep(v)]),
  ) as T;
}

/**
 * A workbook's text stands for a character by its code between `_x` and `_` (`_x003D_` is "="): Excel and exceljs
 * read it so, and exceljs writes text as given. A typed `_x003D_HYPERLINK(...)` showed as "=HYPERLINK(...)" (a
 * formula once the cell was edited, and no Text format, since the text as stored starts with no sign), and a
 * lead's `_x0041_` came back from their spreadsheet as "A". Such a run is written with its underscore coded
 * (`_x005F_`), as Excel writes one, so it is read back as typed.
 */
const CODED_CHARACTER = /_(?=x[0-9A-Fa-f]{4}_)/g;

/** A cell's text as a workbook holds it: carriable in XML, and a literal `_xHHHH_` kept literal. */
export function workbookText(text: string): string {
  return xmlCarriable(text).replace(CODED_CHARACTER, '_x005F_');
}

/**
 * What a name or a label must not hold: line breaks (a cycle label with "\nBcc: ..." reached the body of every
 * lead's mail as a line of its own) and other control characters. Tabs too: a name is one run of words.
 */
// eslint-disable-next-line no-control-regex
const NOT_IN_A_LINE = /[\u0000-\u001f\u007f\u0085\u2028\u2029\ufffe\uffff]/;

export const NOT_ONE_LINE_MESSAGE = 'must be one line of text, without line breaks or control characters';

/** True when the text is one line, fit for a name or a label. */
export function isOneLine(text: string): boolean {
  return !NOT_IN_A_LINE.test(text);
}

/**
 * How many characters a text has, as the API's validation (class-validator's MaxLength) counts them when it is
 * saved: code points, not UTF-16 units (an emoji is one character, not two), emoji presentation selectors not
 * counted. Every later limit on a saved text (the report, the lead's spreadsheet) counts the same way, so no text
 * the API took is cut or refused after.
 */
export function charactersIn(text: string): number {
  let length = 0;
  for (const c of text) if (c !== '\ufe0e' && c !== '\ufe0f') length += 1;
  return length;
}

/**
 * The text with every line ending a line feed: a browser sends a textarea's line breaks as CRLF and an API
 * client usually LF, so the same words were stored, published and hashed two ways. A lone CR (an old Mac file)
 * is a line break too.
 */
export function withLineFeeds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/**
 * The ways a passage may stand in stored text: with line feeds, as texts are stored now, and with CRLF, as a
 * browser typed texts stored before (and as a passage pasted into a textarea arrives): the two the same when it
 * has no line break.
 */
export function lineEndingForms(passage: string): [string, string] {
  const lf = withLineFeeds(passage);
  return [lf, lf.replace(/\n/g, '\r\n')];
}

/**
 * Every way a passage may stand in stored text and read the same: each of its line-ending forms (see
 * lineEndingForms) as given, composed (NFC) and decomposed (NFD). "José" typed on one machine and pasted from
 * another may differ in code points only; a redaction that looked for the form pasted left the other readable.
 */
export function passageForms(passage: string): string[] {
  const forms = lineEndingForms(passage).flatMap((form) => [
    form,
    form.normalize('NFC'),
    form.normalize('NFD'),
  ]);
  return [...new Set(forms)];
}

/** A copy of a JSON-like value with every string in it given line feeds (keys are names, kept as they are). */
export function withLineFeedsDeep<T>(value: T): T {
  if (typeof value === 'string') return withLineFeeds(value) as T;
  if (Array.isArray(value)) return value.map(withLineFeedsDeep) as T;
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withLineFeedsDeep(v)])) as T;
}
