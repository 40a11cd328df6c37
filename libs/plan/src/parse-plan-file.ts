import { isMap, LineCounter, parseDocument } from 'yaml';
import { PlanFile, PlanFileProblem } from './plan-file.js';

type Path = (string | number)[];

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const REF = /^[A-Za-z][A-Za-z0-9-]{0,15}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const MAX_TEXT = 2000;

export type ParsedPlanFile = { ok: true; plan: PlanFile } | { ok: false; problems: PlanFileProblem[] };

/**
 * Parses and checks a whole plan file. Every problem is reported with its line, so a coordinator can fix the
 * file in one pass; nothing is imported unless the whole file is valid.
 */
export function parsePlanFile(source: string): ParsedPlanFile {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, { lineCounter, prettyErrors: false });
  const problems: PlanFileProblem[] = [];
  const at = (path: Path, message: string) => {
    // A missing key has no node of its own: point at the nearest enclosing one instead.
    let line: number | undefined;
    for (let p = path; line === undefined; p = p.slice(0, -1)) {
      const node = (p.length > 0 ? doc.getIn(p, true) : doc.contents) as {
        range?: [number, number, number];
      } | null;
      if (node?.range) line = lineCounter.linePos(node.range[0]).line;
      if (p.length === 0) break;
    }
    problems.push({ path: formatPath(path), line, message });
  };
  for (const error of doc.errors) {
    problems.push({
      path: '',
      line: lineCounter.linePos(error.pos[0]).line,
      message: error.message.split('\n')[0],
    });
  }
  if (problems.length > 0) return { ok: false, problems };
  if (!isMap(doc.contents))
    return { ok: false, problems: [{ path: '', line: 1, message: 'must be a mapping' }] };
  const data = doc.toJS() as Record<string, unknown>;

  const text = (value: unknown, path: Path, opts: { pattern?: RegExp; rule?: string; max?: number } = {}) => {
    if (typeof value !== 'string' || value.trim() === '') {
      at(path, value === undefined ? 'is required' : 'must be non-empty text');
      return '';
    }
    if (opts.pattern && !opts.pattern.test(value)) at(path, `must be ${opts.rule}`);
    if (value.length > (opts.max ?? MAX_TEXT)) at(path, `must be at most ${opts.max ?? MAX_TEXT} characters`);
    return value.trim();
  };
  const list = (value: unknown, path: Path, minItems = 1): unknown[] => {
    if (!Array.isArray(value)) {
      at(path, value === undefined ? 'is required' : 'must be a list');
      return [];
    }
    if (value.length < minItems) at(path, `must have at least ${minItems} item${minItems === 1 ? '' : 's'}`);
    return value;
  };
  const obj = (value: unknown, path: Path): Record<string, unknown> => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      at(path, value === undefined ? 'is required' : 'must be a mapping');
      return {};
    }
    return value as Record<string, unknown>;
  };
  const date = (value: unknown, path: Path) => {
    const v = value instanceof Date ? value.toISOString().slice(0, 10) : value;
    return text(v, path, { pattern: DATE, rule: 'a date written YYYY-MM-DD' });
  };
  const id = (value: unknown, path: Path) =>
    text(value, path, { pattern: ID, rule: 'lower-case words joined by "-"', max: 64 });
  const unique = (seen: Map<string, string>, key: string, path: Path, what: string) => {
    if (!key) return;
    const first = seen.get(key.toLowerCase());
    if (first) at(path, `duplicate ${what} "${key}" (first at ${first})`);
    else seen.set(key.toLowerCase(), formatPath(path));
  };

  const partnership = obj(data.partnership, ['partnership']);
  const plan = obj(data.plan, ['plan']);
  const result: PlanFile = {
    partnership: {
      id: id(partnership.id, ['partnership', 'id']),
      name: text(partnership.name, ['partnership', 'name']),
    },
    plan: {
      id: id(plan.id, ['plan', 'id']),
      title: text(plan.title, ['plan', 'title']),
      periodStart: date(plan.periodStart, ['plan', 'periodStart']),
      periodEnd: date(plan.periodEnd, ['plan', 'periodEnd']),
    },
    agencies: [],
    themes: [],
  };
  if (result.plan.periodStart && result.plan.periodEnd && result.plan.periodEnd <= result.plan.periodStart) {
    at(['plan', 'periodEnd'], 'must be after periodStart');
  }

  const agencyIds = new Map<string, string>();
  const emails = new Map<string, string>();
  list(data.agencies, ['agencies']).forEach((raw, a) => {
    const path: Path = ['agencies', a];
    const agency = obj(raw, path);
    const agencyId = id(agency.id, [...path, 'id']);
    unique(agencyIds, agencyId, [...path, 'id'], 'agency id');
    const contacts = list(agency.contacts, [...path, 'contacts']).map((rawContact, c) => {
      const cpath: Path = [...path, 'contacts', c];
      const contact = obj(rawContact, cpath);
      const email = text(contact.email, [...cpath, 'email'], {
        pattern: EMAIL,
        rule: 'an email address',
        max: 254,
      });
      unique(emails, email, [...cpath, 'email'], 'contact email');
      const role = contact.role ?? 'lead';
      if (role !== 'lead' && role !== 'senior') at([...cpath, 'role'], 'must be "lead" or "senior"');
      return {
        name: text(contact.name, [...cpath, 'name'], { max: 200 }),
        email: email.toLowerCase(),
        role: role as 'lead',
      };
    });
    if (contacts.length > 0 && !contacts.some((c) => c.role === 'lead')) {
      at([...path, 'contacts'], 'must include at least one contact with role "lead" to answer returns');
    }
    result.agencies.push({
      id: agencyId,
      name: text(agency.name, [...path, 'name'], { max: 200 }),
      contacts,
    });
  });

  const knownAgency = (value: string, path: Path) => {
    if (value && !agencyIds.has(value.toLowerCase()))
      at(path, `names agency "${value}", which is not under agencies`);
  };
  const themeIds = new Map<string, string>();
  const priorityRefs = new Map<string, string>();
  const measureRefs = new Map<string, string>();
  list(data.themes, ['themes']).forEach((raw, t) => {
    const path: Path = ['themes', t];
    const theme = obj(raw, path);
    const themeId = id(theme.id, [...path, 'id']);
    unique(themeIds, themeId, [...path, 'id'], 'theme id');
    const leadAgencies = list(theme.leadAgencies, [...path, 'leadAgencies']).map((v, i) => {
      const agencyId = id(v, [...path, 'leadAgencies', i]);
      knownAgency(agencyId, [...path, 'leadAgencies', i]);
      return agencyId;
    });
    const themePriorities = new Set<string>();
    const priorities = list(theme.priorities ?? [], [...path, 'priorities'], 0).map((rawP, p) => {
      const ppath: Path = [...path, 'priorities', p];
      const priority = obj(rawP, ppath);
      const ref = text(priority.ref, [...ppath, 'ref'], {
        pattern: REF,
        rule: 'a short reference such as S-P1',
        max: 16,
      });
      unique(priorityRefs, ref, [...ppath, 'ref'], 'priority ref');
      themePriorities.add(ref);
      return { ref, text: text(priority.text, [...ppath, 'text']) };
    });
    const measures = list(theme.measures, [...path, 'measures']).map((rawM, m) => {
      const mpath: Path = [...path, 'measures', m];
      const measure = obj(rawM, mpath);
      const ref = text(measure.ref, [...mpath, 'ref'], {
        pattern: REF,
        rule: 'a short reference such as S1 or Sus2',
        max: 16,
      });
      unique(measureRefs, ref, [...mpath, 'ref'], 'measure ref');
      const leadAgency = id(measure.leadAgency, [...mpath, 'leadAgency']);
      knownAgency(leadAgency, [...mpath, 'leadAgency']);
      let priority: string | undefined;
      if (measure.priority !== undefined && measure.priority !== null) {
        priority = text(measure.priority, [...mpath, 'priority']);
        if (priority && !themePriorities.has(priority)) {
          at(
            [...mpath, 'priority'],
            `names priority "${priority}", which is not one of this theme's priorities`,
          );
        }
      }
      return {
        ref,
        text: text(measure.text, [...mpath, 'text']),
        leadAgency,
        ...(priority ? { priority } : {}),
      };
    });
    result.themes.push({
      id: themeId,
      title: text(theme.title, [...path, 'title'], { max: 200 }),
      ambition: text(theme.ambition, [...path, 'ambition'], { max: 500 }),
      leadAgencies,
      priorities,
      measures,
    });
  });

  for (const key of Object.keys(data)) {
    if (!['partnership', 'plan', 'agencies', 'themes'].includes(key)) at([key], 'is not a plan file section');
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, plan: result };
}

function formatPath(path: Path): string {
  return path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s ? `${s}.${p}` : p), '');
}

export function formatProblems(problems: PlanFileProblem[]): string {
  return problems.map((p) => `  line ${p.line ?? '?'}: ${p.path || '(file)'} ${p.message}`).join('\n');
}
