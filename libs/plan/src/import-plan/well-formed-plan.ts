import {
  isCalendarDate,
  DomainError,
  IdKind,
  isOneLine,
  isWellFormedId,
  NOT_ONE_LINE_MESSAGE,
  TEXT_FAULT_MESSAGES,
  textFault,
} from '../../../kernel/src/index.js';
import { INDICATOR_DIRECTIONS, IndicatorDirection, isIndicatorNumber } from '../indicators/indicator.js';
import { PlanFile } from '../plan-file.js';

/** The one number each threshold holds, or a non-number when it holds none or both. */
const thresholdNumbers = (indicator: Record<string, unknown>): unknown[] =>
  [indicator.amber, indicator.red].map((t) => {
    const values = Object.values((t ?? {}) as Record<string, unknown>);
    return values.length === 1 ? values[0] : NaN;
  });

/**
 * What the import rules refuse whoever parsed the file: ids that cannot name a stream or a row, text that
 * cannot be stored, dates that are not dates. The parser reports all of this with lines first; this is the
 * backstop that keeps a gap in it (or a caller that skips it) from writing a bad event.
 */
export function requireWellFormedPlan(file: PlanFile): void {
  const fail = (field: string, message: string): never => {
    throw new DomainError('malformed-plan', `${field} ${message}`, 'unprocessable', field);
  };
  const text = (value: unknown, field: string) => {
    if (typeof value !== 'string' || !value.trim()) fail(field, 'must be non-empty text');
    const fault = textFault(value as string);
    if (fault) fail(field, TEXT_FAULT_MESSAGES[fault]);
  };
  /** A name that mail and reports print inline. */
  const name = (value: unknown, field: string) => {
    text(value, field);
    if (!isOneLine(value as string)) fail(field, NOT_ONE_LINE_MESSAGE);
  };
  const id = (kind: IdKind, value: unknown, field: string) => {
    if (!isWellFormedId(kind, value))
      fail(field, `is not a well-formed ${kind === 'slug' ? 'id' : 'reference'}`);
  };
  const list = (value: unknown, field: string): unknown[] =>
    Array.isArray(value) ? value : fail(field, 'must be a list');
  const object = (value: unknown, field: string): Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : fail(field, 'must be a mapping');

  const partnership = object(file?.partnership, 'partnership');
  id('slug', partnership.id, 'partnership.id');
  name(partnership.name, 'partnership.name');
  const plan = object(file.plan, 'plan');
  id('slug', plan.id, 'plan.id');
  name(plan.title, 'plan.title');
  for (const field of ['periodStart', 'periodEnd'] as const) {
    if (!isCalendarDate(plan[field])) fail(`plan.${field}`, 'must be a real date written YYYY-MM-DD');
  }
  list(file.agencies, 'agencies').forEach((raw, a) => {
    const agency = object(raw, `agencies[${a}]`);
    id('slug', agency.id, `agencies[${a}].id`);
    name(agency.name, `agencies[${a}].name`);
    list(agency.contacts, `agencies[${a}].contacts`).forEach((rawContact, c) => {
      const field = `agencies[${a}].contacts[${c}]`;
      const contact = object(rawContact, field);
      name(contact.name, `${field}.name`);
      text(contact.email, `${field}.email`);
      if (!/^[^\s@]+@[^\s@]+$/.test(contact.email as string))
        fail(`${field}.email`, 'must be an email address');
      if (contact.role !== 'lead' && contact.role !== 'senior')
        fail(`${field}.role`, 'must be lead or senior');
    });
  });
  list(file.themes, 'themes').forEach((raw, t) => {
    const field = `themes[${t}]`;
    const theme = object(raw, field);
    id('slug', theme.id, `${field}.id`);
    name(theme.title, `${field}.title`);
    text(theme.ambition, `${field}.ambition`);
    list(theme.leadAgencies, `${field}.leadAgencies`).forEach((v, i) =>
      id('slug', v, `${field}.leadAgencies[${i}]`),
    );
    list(theme.priorities, `${field}.priorities`).forEach((rawP, p) => {
      const priority = object(rawP, `${field}.priorities[${p}]`);
      id('measureRef', priority.ref, `${field}.priorities[${p}].ref`);
      text(priority.text, `${field}.priorities[${p}].text`);
    });
    list(theme.measures, `${field}.measures`).forEach((rawM, m) => {
      const measure = object(rawM, `${field}.measures[${m}]`);
      id('measureRef', measure.ref, `${field}.measures[${m}].ref`);
      text(measure.text, `${field}.measures[${m}].text`);
      id('slug', measure.leadAgency, `${field}.measures[${m}].leadAgency`);
      if (measure.priority !== undefined)
        id('measureRef', measure.priority, `${field}.measures[${m}].priority`);
      if (measure.indicators !== undefined)
        list(measure.indicators, `${field}.measures[${m}].indicators`).forEach((rawI, i) => {
          const at = `${field}.measures[${m}].indicators[${i}]`;
          const indicator = object(rawI, at);
          text(indicator.name, `${at}.name`);
          text(indicator.unit, `${at}.unit`);
          const numbers = [indicator.target, indicator.baseline ?? 0, ...thresholdNumbers(indicator)];
          if (!numbers.every(isIndicatorNumber))
            fail(at, 'must have finite numbers for its target and thresholds');
          if (!INDICATOR_DIRECTIONS.includes(indicator.direction as IndicatorDirection))
            fail(`${at}.direction`, 'must be higher-is-better or lower-is-better');
        });
    });
  });
}
