import { PlanPath, ShapeProblem } from '../plan-file-schema.js';
import { Indicator, isIndicatorNumber } from './indicator.js';
import { thresholdValue } from './suggest-rag.js';

type Fields = Record<string, unknown>;
const fields = (value: unknown): Fields =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {};

/** A threshold the schema accepts: exactly one of value or variance, a number. */
function threshold(value: unknown): Indicator['amber'] | null {
  const t = fields(value);
  const keys = Object.keys(t);
  if (keys.length !== 1) return null;
  if (keys[0] === 'value' && isIndicatorNumber(t.value)) return { value: t.value };
  if (keys[0] === 'variance' && isIndicatorNumber(t.variance) && t.variance >= 0)
    return { variance: t.variance };
  return null;
}

/**
 * What the schema cannot say about a measure's indicators: names are unique within the measure (compared
 * without case), and the thresholds agree with the direction, so a
 * value can only get worse from green to amber to red: amber at the target or short of it, red beyond amber,
 * and a variance needs a target other than 0 to be a share of. Indicators too unreadable to compare are left
 * to the schema's problems.
 */
export function indicatorRuleProblems(indicators: unknown, path: PlanPath): ShapeProblem[] {
  if (!Array.isArray(indicators)) return [];
  const problems: ShapeProblem[] = [];
  const names = new Map<string, number>();
  indicators.forEach((raw, i) => {
    const at = (key: string, message: string) => problems.push({ path: [...path, i, key], message });
    const indicator = fields(raw);
    const name = typeof indicator.name === 'string' ? indicator.name.trim() : '';
    if (name) {
      const first = names.get(name.toLowerCase());
      if (first !== undefined)
        at('name', `duplicate indicator name "${name}" in this measure (first at indicators[${first}])`);
      else names.set(name.toLowerCase(), i);
    }
    const [amber, red] = [threshold(indicator.amber), threshold(indicator.red)];
    const { target, direction } = indicator;
    if (!amber || !red || !isIndicatorNumber(target)) return;
    if (direction !== 'higher-is-better' && direction !== 'lower-is-better') return;
    if (target === 0 && ('variance' in amber || 'variance' in red)) {
      at('target', 'must not be 0 when a threshold is a variance (a per cent of the target)');
      return;
    }
    const rule = { target, direction } as const;
    const [a, r] = [thresholdValue(rule, amber), thresholdValue(rule, red)];
    const higher = direction === 'higher-is-better';
    const than = higher ? 'below' : 'above';
    if (higher ? a > target : a < target)
      at('amber', `must be at the target (${target}) or ${than} it, as ${direction}`);
    else if (higher ? r >= a : r <= a)
      at('red', `must be ${than} the amber threshold (${a}), as ${direction}`);
  });
  return problems;
}
