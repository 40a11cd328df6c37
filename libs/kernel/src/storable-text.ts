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
