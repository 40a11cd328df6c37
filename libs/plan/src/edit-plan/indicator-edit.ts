import { DomainError } from '../../../kernel/src/index.js';
import { indicatorRuleProblems } from '../indicators/indicator-rules.js';
import { Indicator, IndicatorThreshold, INDICATOR_LIMIT } from '../indicators/indicator.js';
import { PlanFile } from '../plan-file.js';
import { planTextFault } from '../plan-text.js';

/** A form's fields as the browser sent them (see PlanForm). */
type Form = Record<string, string | string[] | undefined>;
interface Problem {
  field: string;
  message: string;
}

/** An indicator is named on the plan page as `measureRef~name`: names are unique within their measure only. */
export const indicatorKey = (measureRef: string, name: string) => `${measureRef}~${name}`;

const MAX_INDICATORS = 10;
const NAME_MAX = 200;
const UNIT_MAX = 20;
const NUMBER = /^-?\d+(\.\d+)?$/;

const raw = (form: Form, field: string) => {
  const value = form[field];
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
};

/** The measure and indicator a key names; not found when the plan has neither. */
export function findIndicator(file: PlanFile, key: string) {
  const at = key.indexOf('~');
  const [ref, name] = at > 0 ? [key.slice(0, at), key.slice(at + 1)] : ['', ''];
  const measure = file.themes.flatMap((t) => t.measures).find((m) => m.ref === ref);
  const indicator = measure?.indicators?.find((i) => i.name === name);
  if (!measure || !indicator)
    throw new DomainError('plan-part-not-found', `The plan has no indicator "${key}"`, 'not-found');
  return { measure, indicator };
}

/** An indicator as its form has it: thresholds as a kind (value or variance) and a number. */
export function indicatorForm(measureRef: string, i: Indicator): Form {
  const kind = (t: IndicatorThreshold) => ('value' in t ? 'value' : 'variance');
  const number = (t: IndicatorThreshold) => String('value' in t ? t.value : t.variance);
  return {
    measure: measureRef,
    name: i.name,
    unit: i.unit,
    baseline: i.baseline === null ? '' : String(i.baseline),
    target: String(i.target),
    direction: i.direction,
    amberKind: kind(i.amber),
    amber: number(i.amber),
    redKind: kind(i.red),
    red: number(i.red),
  };
}

/**
 * The indicator a form describes, with a problem in plain words for each field that breaks a rule: its own
 * (required, a number) and then the plan file's indicator rules, the very ones an import applies (thresholds
 * agree with the direction, a variance needs a target other than 0), each said against the field it is about.
 */
function readIndicator(form: Form, problems: Problem[], label: string): Indicator {
  const problem = (field: string, message: string) => {
    if (!problems.some((p) => p.field === field)) problems.push({ field, message });
  };
  const text = (field: string, words: string, max: number) => {
    const value = raw(form, field);
    if (!value) problem(field, `Enter ${words}`);
    else if (value.length > max)
      problem(field, `${words} must be ${max} characters or fewer`.replace(/^t/, 'T'));
    else {
      const invisible = planTextFault(value, 'one line');
      if (invisible) problem(field, `${words} ${invisible}`.replace(/^t/, 'T'));
    }
    return value;
  };
  const number = (field: string, words: string, optional = false): number | null => {
    const value = raw(form, field).replace(/,/g, '');
    if (!value) {
      if (!optional) problem(field, `Enter ${words}`);
      return null;
    }
    const n = Number(value);
    if (!NUMBER.test(value) || Math.abs(n) > INDICATOR_LIMIT) {
      problem(field, `Enter ${words} as a number, like 85 or 12.5`);
      return null;
    }
    return n;
  };
  const threshold = (field: string, colour: string): IndicatorThreshold => {
    const kind = raw(form, `${field}Kind`);
    if (kind !== 'value' && kind !== 'variance')
      problem(`${field}Kind`, `Choose whether ${colour} starts at a value or at a variance from the target`);
    const n = number(field, `where ${colour} starts`) ?? 0;
    if (kind === 'variance' && n < 0) problem(field, `A variance for ${colour} must be 0 or more per cent`);
    return kind === 'variance' ? { variance: n } : { value: n };
  };
  const name = text('name', 'the indicator’s name', NAME_MAX);
  const unit = text('unit', 'the unit, like % or count', UNIT_MAX);
  const baseline = number('baseline', 'the baseline', true);
  const target = number('target', 'the target') ?? 0;
  const direction = raw(form, 'direction');
  if (direction !== 'higher-is-better' && direction !== 'lower-is-better')
    problem('direction', 'Choose whether higher or lower is better');
  const amber = threshold('amber', 'amber');
  const red = threshold('red', 'red');
  const indicator = {
    name,
    unit,
    baseline,
    target,
    direction: direction as Indicator['direction'],
    amber,
    red,
  };
  if (problems.length === 0) {
    const words: Record<string, string> = {
      target: `The target must not be 0 when a threshold is a per cent of the target`,
      amber: `Amber must start at the target (${target}) or ${direction === 'higher-is-better' ? 'below' : 'above'} it, as ${label}`,
      red: `Red must start ${direction === 'higher-is-better' ? 'below' : 'above'} where amber starts, as ${label}`,
    };
    for (const p of indicatorRuleProblems([indicator], ['indicators'])) {
      const field = String(p.path[p.path.length - 1]);
      problem(field, words[field] ?? p.message);
    }
  }
  return indicator;
}

const directionWords = (form: Form) =>
  raw(form, 'direction') === 'lower-is-better' ? 'lower is better' : 'higher is better';

function nameTaken(indicators: readonly Indicator[], name: string, except?: Indicator) {
  return indicators.some((i) => i !== except && i.name.toLowerCase() === name.toLowerCase());
}

/** Adds the form's indicator to the measure it names. */
export function addIndicator(file: PlanFile, form: Form, problems: Problem[]) {
  const ref = raw(form, 'measure');
  const measure = file.themes.flatMap((t) => t.measures).find((m) => m.ref === ref);
  if (!measure) problems.push({ field: 'measure', message: 'Choose the key success measure' });
  const indicator = readIndicator(form, problems, directionWords(form));
  if (!measure) return;
  const indicators = measure.indicators ?? [];
  if (indicator.name && nameTaken(indicators, indicator.name))
    problems.push({ field: 'name', message: `${ref} already has an indicator called ${indicator.name}` });
  else if (indicators.length >= MAX_INDICATORS)
    problems.push({
      field: 'measure',
      message: `${ref} has ${MAX_INDICATORS} indicators, the most a measure may have`,
    });
  measure.indicators = [...indicators, indicator];
}

/** Changes the indicator the key names, in its place; a new name starts a new trend in the report. */
export function changeIndicator(file: PlanFile, key: string, form: Form, problems: Problem[]) {
  const { measure, indicator } = findIndicator(file, key);
  const next = readIndicator(form, problems, directionWords(form));
  if (next.name && nameTaken(measure.indicators!, next.name, indicator))
    problems.push({ field: 'name', message: `${measure.ref} already has an indicator called ${next.name}` });
  measure.indicators = measure.indicators!.map((i) => (i === indicator ? next : i));
}

/** Removes the indicator; a measure left without any has no `indicators` key, as in a file. */
export function removeIndicator(file: PlanFile, key: string) {
  const { measure, indicator } = findIndicator(file, key);
  const left = measure.indicators!.filter((i) => i !== indicator);
  if (left.length) measure.indicators = left;
  else delete measure.indicators;
}
