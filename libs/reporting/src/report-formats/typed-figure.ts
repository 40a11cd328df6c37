import { withoutDirectionControls } from './direction-controls.js';

/**
 * A figure an agency typed into a cell of a return's table, as the number a spreadsheet can sum and sort, with
 * the Excel number format that shows it exactly as typed: "32,240" is 32240 shown '#,##0', "2.0" is 2 shown
 * '0.0', "-1.6%" is -0.016 shown '0.0%'.
 */
export interface TypedFigure {
  value: number;
  numFmt: string;
}

// A whole cell that is a number: an optional sign (the minus sign U+2212 too, which councils' Word documents put
// where a hyphen was typed, and a figure pasted from them keeps), digits (in groups of three when commas are typed,
// and with no leading zero, since "007" is a code, not seven), optional decimals and an optional percent sign.
const FIGURE = /^([+\-\u2212]?)([1-9]\d{0,2}(?:,\d{3})+|0|[1-9]\d*)(?:\.(\d+))?(%?)$/;

/** The direction marks (LRM, RLM, ALM): zero-width, and a number has no direction for them to set. */
const DIRECTION_MARKS = /[\u200e\u200f\u061c]/g;

/** Excel keeps 15 significant digits: a longer figure would show other digits than were typed. */
const EXCEL_DIGITS = 15;

/**
 * The figure a cell's text is, or null when a number cell could not show that text as it is: words, "n/a",
 * "1-2", dates, units ("£758", "3.6 %"), spaces around, a leading zero, too many digits, or a negative zero
 * (Excel shows "-0" as "0"). Direction isolates, embeddings and overrides (withoutDirectionControls, which the
 * workbook leaves out of its text anyway) and direction marks around a figure are invisible and are left out
 * first: a figure pasted from a right-to-left document ("\u2066-1.6%\u2069") stayed text, though it printed
 * as "-1.6%", and a sheet would not sum or sort it.
 */
export function typedFigure(text: string): TypedFigure | null {
  const match = FIGURE.exec(withoutDirectionControls(text).replace(DIRECTION_MARKS, ''));
  if (!match) return null;
  const [, sign, whole, decimals = '', percent] = match;
  const digits = `${whole.replaceAll(',', '')}${decimals}`.replace(/^0+/, '');
  if (digits.length > EXCEL_DIGITS) return null;
  const negative = sign === '-' || sign === '\u2212';
  if (negative && digits === '') return null;
  // Read from the digits as typed, the percent as a shift of the exponent: 3.6 / 100 is 0.036000000000000004.
  const value = Number(
    `${negative ? '-' : ''}${whole.replaceAll(',', '')}.${decimals || '0'}${percent ? 'e-2' : ''}`,
  );
  const shown = `${whole.includes(',') ? '#,##0' : '0'}${decimals ? `.${'0'.repeat(decimals.length)}` : ''}${percent}`;
  // A typed plus is shown as typed: Excel writes one only when the format has it (zero falls in the third part).
  // So is a typed minus sign, where Excel would write a hyphen: a negative part gets no sign of Excel's own.
  const numFmt =
    sign === '+'
      ? `"+"${shown};-${shown};"+"${shown}`
      : sign === '\u2212'
        ? `${shown};"\u2212"${shown}`
        : shown;
  return { value, numFmt };
}
