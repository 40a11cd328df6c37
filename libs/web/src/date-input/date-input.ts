import { dayInWords, londonDay } from '../../../kernel/src/index.js';
/** The three boxes of a GOV.UK date input, as the browser posts them: each may be missing or anything typed. */
export interface DateParts {
  day?: string;
  month?: string;
  year?: string;
}

/** Which of the three boxes the error is about, so the page can mark only those red. */
export type DatePart = 'day' | 'month' | 'year';

export type ParsedDate = { ok: true; date: string } | { ok: false; message: string; parts: DatePart[] };

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** People type "Dec" or "december" as often as "12": GOV.UK's pattern accepts month names and abbreviations. */
function monthNumber(text: string): number | null {
  if (/^\d{1,2}$/.test(text)) return Number(text);
  const lower = text.toLowerCase();
  if (lower.length < 3) return null;
  const index = MONTH_NAMES.findIndex((m) => m.startsWith(lower));
  return index === -1 ? null : index + 1;
}

/**
 * A calendar date (YYYY-MM-DD) from the day, month and year boxes, or the plain-words error the GOV.UK date
 * input pattern asks for ("Due date must include a month", "Due date must be a real date"). `label` is the
 * question's name as the error starts it, e.g. "Due date".
 */
export function parseDateInput(parts: DateParts, label: string): ParsedDate {
  const day = (parts.day ?? '').trim();
  const month = (parts.month ?? '').trim();
  const year = (parts.year ?? '').trim();
  const missing = (
    [
      ['day', day],
      ['month', month],
      ['year', year],
    ] as const
  )
    .filter(([, v]) => v === '')
    .map(([p]) => p as DatePart);
  if (missing.length === 3) return { ok: false, message: `Enter the ${lowerFirst(label)}`, parts: missing };
  if (missing.length > 0) {
    return {
      ok: false,
      message: `${label} must include ${andList(missing.map((p) => `a ${p}`))}`,
      parts: missing,
    };
  }
  if (!/^\d{4}$/.test(year)) return { ok: false, message: `Year must include 4 numbers`, parts: ['year'] };
  const d = /^\d{1,2}$/.test(day) ? Number(day) : NaN;
  const m = monthNumber(month);
  const y = Number(year);
  const wrong: DatePart[] = [];
  if (!(d >= 1 && d <= 31)) wrong.push('day');
  if (m === null || m < 1 || m > 12) wrong.push('month');
  if (wrong.length === 0 && d > daysIn(y, m!)) wrong.push('day');
  if (wrong.length > 0) return { ok: false, message: `${label} must be a real date`, parts: wrong };
  return { ok: true, date: `${year}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

/** The three boxes showing a stored date again, e.g. when a form is shown with what it holds. */
export function dateParts(iso: string | null | undefined): DateParts {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso ?? '');
  return match ? { day: String(Number(match[3])), month: String(Number(match[2])), year: match[1] } : {};
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function andList(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** The three boxes of the date question `name` as a form posted them (GOV.UK names them name-day, ...). */
export function postedDateParts(form: Record<string, string | undefined>, name: string): DateParts {
  return { day: form[`${name}-day`], month: form[`${name}-month`], year: form[`${name}-year`] };
}

/** The items of govukDateInput showing what was typed, with the wrong boxes marked red. */
export function dateInputItems(parts: DateParts, wrong: readonly DatePart[] = []) {
  return (['day', 'month', 'year'] as const).map((part) => ({
    name: part,
    value: parts[part] ?? '',
    classes: `govuk-input--width-${part === 'year' ? 4 : 2}${wrong.includes(part) ? ' govuk-input--error' : ''}`,
  }));
}

/** Today's calendar date where the partnership is: a due date "in the past" means before this. */
export function todayInLondon(now: Date): string {
  return londonDay(now);
}

/** A calendar date as people say it: "23 December 2026". */
export function dateInWords(iso: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? dayInWords(iso) : iso;
}
