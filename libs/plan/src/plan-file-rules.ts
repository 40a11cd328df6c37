import { indicatorRuleProblems } from './indicators/indicator-rules.js';
import { PlanPath, ShapeProblem } from './plan-file-schema.js';
import { planEmailFault, planTextFault } from './plan-text.js';

type Fields = Record<string, unknown>;

const fields = (value: unknown): Fields =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Fields) : {};
const items = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/**
 * What the schema cannot say about a plan file: ids, refs and contact emails are unique, every agency named is
 * listed, a measure's priority is one of its theme's, the period ends after it starts, and every agency has a
 * lead contact to answer returns, a measure's indicators are consistent (indicatorRuleProblems), no name or
 * text holds invisible or control characters and every contact email is plain ASCII (plan-text.ts). Reads
 * whatever parts of the file are well formed, so its problems come out beside the schema's.
 */
export function planFileRuleProblems(data: unknown): ShapeProblem[] {
  const problems: ShapeProblem[] = [];
  const at = (path: PlanPath, message: string) => problems.push({ path, message });
  const unique = (seen: Map<string, string>, value: string, path: PlanPath, what: string) => {
    if (!value) return;
    const first = seen.get(value.toLowerCase());
    if (first) at(path, `duplicate ${what} "${value}" (first at ${first})`);
    else seen.set(value.toLowerCase(), formatPlanPath(path));
  };
  const root = fields(data);
  /** A name or a text, if it is text at all (the schema says when it is not): no invisible characters. */
  const written = (value: unknown, path: PlanPath, lines: 'one line' | 'lines') => {
    const fault = typeof value === 'string' ? planTextFault(value.trim(), lines) : null;
    if (fault) at(path, fault);
  };
  written(fields(root.partnership).name, ['partnership', 'name'], 'one line');
  written(fields(root.plan).title, ['plan', 'title'], 'one line');

  const plan = fields(root.plan);
  const [start, end] = [text(plan.periodStart), text(plan.periodEnd)];
  const DATE = /^\d{4}-\d{2}-\d{2}$/;
  if (DATE.test(start) && DATE.test(end) && end <= start)
    at(['plan', 'periodEnd'], 'must be after periodStart');

  const agencyIds = new Map<string, string>();
  const emails = new Map<string, string>();
  items(root.agencies).forEach((raw, a) => {
    const agency = fields(raw);
    unique(agencyIds, text(agency.id), ['agencies', a, 'id'], 'agency id');
    written(agency.name, ['agencies', a, 'name'], 'one line');
    const contacts = items(agency.contacts);
    contacts.forEach((raw, c) => {
      const contact = fields(raw);
      written(contact.name, ['agencies', a, 'contacts', c, 'name'], 'one line');
      const email = text(contact.email);
      const fault = email ? planEmailFault(email) : null;
      if (fault) at(['agencies', a, 'contacts', c, 'email'], fault);
      else unique(emails, email, ['agencies', a, 'contacts', c, 'email'], 'contact email');
    });
    const leads = contacts.filter((c) => (fields(c).role ?? 'lead') === 'lead');
    if (contacts.length > 0 && leads.length === 0)
      at(['agencies', a, 'contacts'], 'must include at least one contact with role "lead" to answer returns');
  });
  // An agency whose id cannot be read has its own problem already; every reference would be a second one.
  const agencies = items(root.agencies);
  const allAgenciesRead = agencies.length > 0 && agencies.every((a) => text(fields(a).id) !== '');
  const knownAgency = (value: unknown, path: PlanPath) => {
    const id = text(value);
    if (allAgenciesRead && id && !agencyIds.has(id.toLowerCase()))
      at(path, `names agency "${id}", which is not under agencies`);
  };

  const themeIds = new Map<string, string>();
  const priorityRefs = new Map<string, string>();
  const measureRefs = new Map<string, string>();
  items(root.themes).forEach((raw, t) => {
    const theme = fields(raw);
    unique(themeIds, text(theme.id), ['themes', t, 'id'], 'theme id');
    written(theme.title, ['themes', t, 'title'], 'one line');
    written(theme.ambition, ['themes', t, 'ambition'], 'lines');
    items(theme.leadAgencies).forEach((id, i) => knownAgency(id, ['themes', t, 'leadAgencies', i]));
    const mine = new Set<string>();
    const priorities = items(theme.priorities);
    const allPrioritiesRead = priorities.every((p) => text(fields(p).ref) !== '');
    priorities.forEach((priority, p) => {
      const ref = text(fields(priority).ref);
      written(fields(priority).text, ['themes', t, 'priorities', p, 'text'], 'lines');
      unique(priorityRefs, ref, ['themes', t, 'priorities', p, 'ref'], 'priority ref');
      if (ref) mine.add(ref);
    });
    items(theme.measures).forEach((rawMeasure, m) => {
      const measure = fields(rawMeasure);
      unique(measureRefs, text(measure.ref), ['themes', t, 'measures', m, 'ref'], 'measure ref');
      written(measure.text, ['themes', t, 'measures', m, 'text'], 'lines');
      items(measure.indicators).forEach((rawIndicator, i) => {
        const indicator = fields(rawIndicator);
        written(indicator.name, ['themes', t, 'measures', m, 'indicators', i, 'name'], 'one line');
        written(indicator.unit, ['themes', t, 'measures', m, 'indicators', i, 'unit'], 'one line');
      });
      knownAgency(measure.leadAgency, ['themes', t, 'measures', m, 'leadAgency']);
      const priority = text(measure.priority);
      if (allPrioritiesRead && priority && !mine.has(priority))
        at(
          ['themes', t, 'measures', m, 'priority'],
          `names priority "${priority}", which is not one of this theme's priorities`,
        );
      problems.push(...indicatorRuleProblems(measure.indicators, ['themes', t, 'measures', m, 'indicators']));
    });
  });
  return problems;
}

/** themes[2].measures[0].leadAgency */
export function formatPlanPath(path: PlanPath): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}
