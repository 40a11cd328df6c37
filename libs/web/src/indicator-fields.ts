import { figureInWords, Indicator, isPrefixUnit, suggestRag } from '../../plan/src/index.js';
import { IndicatorValue, Rag, ReturnContent } from '../../returns/src/index.js';
import { FormError } from './return-form-words.js';
import { formText, FormValue } from './form-fields.js';

type Body = Record<string, FormValue>;

/** A number as a lead may type it: 85, 85.5, -3, 1,930 (thousands commas), 85% (the unit typed too). */
const NUMBER = /^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$/;

/**
 * The values of the measure's indicators as the form sent them (`indicator-<i>`, in the plan's order), and a
 * problem in plain words for each that is not a number; an empty field is a value not known yet (null).
 */
export function indicatorValuesFromForm(
  body: Body,
  indicators: readonly Indicator[],
): { values: IndicatorValue[]; errors: FormError[]; typed: string[] } {
  const errors: FormError[] = [];
  const typed = indicators.map((_, i) => formText(body[`indicator-${i}`]).trim());
  const values = indicators.map((indicator, i) => {
    const text = withoutUnits(typed[i]);
    if (text === '') return { name: indicator.name, value: null };
    if (!NUMBER.test(text)) {
      errors.push({ id: `indicator-${i}`, text: `${indicator.name} must be a number, like 85 or 1.5` });
      return { name: indicator.name, value: null };
    }
    return { name: indicator.name, value: Number(text.replace(/,/g, '')) };
  });
  return { values, errors, typed };
}

/**
 * The typed value without the units typed with it, and the white space beside them: "85 %" is 85, "£ 1,930" is 1930.
 * Not by a regex of the unit with `\s*` either side: that is tried from every space, each time to the end of its run,
 * and a field of 40,000 spaces between two letters held the api's one thread 2 s (200,000, about a minute).
 */
function withoutUnits(typed: string): string {
  const parts = typed.split(/[%£]/);
  return parts
    .map((part, i) => {
      const after = i > 0 ? part.trimStart() : part;
      return i < parts.length - 1 ? after.trimEnd() : after;
    })
    .join('');
}

/** Each indicator's input as the GOV.UK input macro takes it: the unit beside it, the target as its hint. */
export function indicatorFields(
  indicators: readonly Indicator[],
  content: ReturnContent,
  typed: readonly string[] | undefined,
  errorsById: Record<string, string>,
) {
  return indicators.map((indicator, i) => {
    const stored = content.indicators?.find((v) => v.name === indicator.name)?.value;
    const better = indicator.direction === 'higher-is-better' ? 'higher' : 'lower';
    return {
      id: `indicator-${i}`,
      name: indicator.name,
      value: typed?.[i] ?? (typeof stored === 'number' ? String(stored) : ''),
      hint: `Target: ${figureInWords(indicator.target, indicator.unit)} (${better} is better)${
        indicator.baseline === null ? '' : `. Baseline: ${figureInWords(indicator.baseline, indicator.unit)}`
      }`,
      prefix: isPrefixUnit(indicator.unit) ? indicator.unit : null,
      suffix: isPrefixUnit(indicator.unit) ? null : indicator.unit,
      error: errorsById[`indicator-${i}`] ?? null,
    };
  });
}

const RAG_WORDS: Record<Rag, string> = { green: 'Green', amber: 'Amber', red: 'Red' };

/** The RAG the values suggest, in words, or null when there is none to suggest. */
export function suggestedRagWords(indicators: readonly Indicator[], content: ReturnContent): string | null {
  const rag = suggestRag(indicators, content.indicators);
  return rag ? RAG_WORDS[rag] : null;
}

/** The problem that stops a submission: a RAG other than the values suggest, with no reason given. */
export function missingRagReason(indicators: readonly Indicator[], content: ReturnContent): string | null {
  const rag = suggestRag(indicators, content.indicators);
  if (!rag || !content.rag || content.rag === rag || content.ragReason?.trim()) return null;
  return `Give a reason for choosing ${RAG_WORDS[content.rag]} when your values suggest ${RAG_WORDS[rag]}`;
}
