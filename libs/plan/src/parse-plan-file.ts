import { Document, isMap, isPair, isScalar, LineCounter, parseDocument } from 'yaml';
import { planFileRuleProblems, formatPlanPath } from './plan-file-rules.js';
import { PlanPath, planFileShapeProblems } from './plan-file-schema.js';
import { Indicator } from './indicators/indicator.js';
import { ContactRole, PlanFile, PlanFileProblem } from './plan-file.js';
import { planFileLengthProblem, yamlNestingProblem, yamlTooDeepProblem } from './yaml-nesting.js';
import { yamlSyntaxProblems } from './yaml-syntax-problems.js';

export type ParsedPlanFile = { ok: true; plan: PlanFile } | { ok: false; problems: PlanFileProblem[] };

/**
 * Parses and checks a whole plan file against plan-file.schema.json and the rules the schema cannot say (see
 * planFileRuleProblems). Every problem is reported with its line, syntax and content together as far as the
 * YAML parser can go on, so a coordinator can fix the file in one pass; nothing is imported unless the whole
 * file is valid.
 */
export function parsePlanFile(source: string): ParsedPlanFile {
  try {
    return parseCheckedPlanFile(source);
  } catch (error) {
    // The parser's recursion running out of stack is the file's nesting, never a fault of ours to show as YAML.
    if (error instanceof RangeError) return { ok: false, problems: [yamlTooDeepProblem(1)] };
    throw error;
  }
}

function parseCheckedPlanFile(source: string): ParsedPlanFile {
  const tooLong = planFileLengthProblem(source);
  if (tooLong) return { ok: false, problems: [tooLong] };
  const tooDeep = yamlNestingProblem(source);
  if (tooDeep) return { ok: false, problems: [tooDeep] };
  const lines = new LineCounter();
  // Duplicate keys are found by yamlSyntaxProblems, in one pass: the parser's own check is quadratic.
  const doc = parseDocument(source, {
    lineCounter: lines,
    prettyErrors: false,
    logLevel: 'error',
    uniqueKeys: false,
  });
  // The parser catches its own stack overflow ("Maximum call stack size exceeded") and reports it as an error.
  const exhausted = doc.errors.find(
    (e) => e.code === 'RESOURCE_EXHAUSTION' || /call stack|stack overflow/i.test(e.message),
  );
  if (exhausted) return { ok: false, problems: [yamlTooDeepProblem(lines.linePos(exhausted.pos[0]).line)] };
  const faults = yamlSyntaxProblems(doc, lines);
  const syntax = faults.map((p) => ({ path: '', line: p.line, message: p.message }));
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    if (error instanceof RangeError) throw error;
    // An unresolvable alias stops the parser from going on, and yamlSyntaxProblems names it. So does a file
    // with more than yaml's 100 aliases (a "billion laughs" bomb), which nothing else names: say so, never
    // "0 problems".
    if (syntax.length > 0) return { ok: false, problems: syntax };
    const message = /alias/i.test((error as Error).message)
      ? 'The file uses too many aliases (*name) to be read safely: write the values out in full'
      : 'The file could not be read as YAML';
    return { ok: false, problems: [{ path: '', line: 1, message }] };
  }
  const garbled = (line: number) => faults.some((f) => f.lines[0] <= line && line <= f.lines[1]);
  const found = [...planFileShapeProblems(data), ...planFileRuleProblems(data)];
  // Finding a problem's line reads along its map: for every one of 40,000 stray keys that was minutes. A person
  // fixes a file a screenful at a time anyway.
  const content = found
    .slice(0, PLAN_FILE_MAX_PROBLEMS)
    .map((p) => ({ path: formatPlanPath(p.path), line: lineOf(doc, lines, p.path), message: p.message }))
    // What a syntax fault garbles (an over-indented key swallows the one above it) is that fault, not another.
    .filter((p) => !garbled(p.line));
  const problems = [...syntax, ...content].sort((a, b) => a.line - b.line);
  if (problems.length === 0) return { ok: true, plan: planFileOf(data as RawPlanFile) };
  const more = syntax.length + found.length - PLAN_FILE_MAX_PROBLEMS;
  if (more <= 0) return { ok: false, problems };
  const shown = problems.slice(0, PLAN_FILE_MAX_PROBLEMS);
  const last = shown[shown.length - 1];
  shown.push({
    path: '',
    line: last.line,
    message: `… and ${more.toLocaleString('en-GB')} more problems after line ${last.line}: fix these, then import the file again`,
  });
  return { ok: false, problems: shown };
}

/** The most problems a plan file's check lists, each with its line; the rest are counted. */
export const PLAN_FILE_MAX_PROBLEMS = 100;

/**
 * The line at fault for a path: a key's own line (where a misspelt or misplaced key, or a wrong value, is), a
 * list item's first line; for a key that is missing, the line of the part that should hold it.
 */
function lineOf(doc: Document, lines: LineCounter, path: PlanPath): number {
  for (let p = path; ; p = p.slice(0, -1)) {
    const parent = p.length > 1 ? doc.getIn(p.slice(0, -1), true) : doc.contents;
    const last = p[p.length - 1];
    if (p.length > 0 && typeof last === 'string' && isMap(parent)) {
      const pair = parent.items.find((i) => isPair(i) && isScalar(i.key) && String(i.key.value) === last);
      const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
      if (range) return lines.linePos(range[0]).line;
    }
    const node = (p.length > 0 ? doc.getIn(p, true) : doc.contents) as {
      range?: [number, number, number];
    } | null;
    if (node?.range) return lines.linePos(node.range[0]).line;
    if (p.length === 0) return 1;
  }
}

interface RawPlanFile {
  partnership: { id: string; name: string };
  plan: { id: string; title: string; periodStart: string; periodEnd: string };
  agencies: { id: string; name: string; contacts: { name: string; email: string; role?: ContactRole }[] }[];
  themes: {
    id: string;
    title: string;
    ambition: string;
    leadAgencies: string[];
    priorities?: { ref: string; text: string }[];
    measures: {
      ref: string;
      text: string;
      leadAgency: string;
      priority?: string;
      indicators?: (Omit<Indicator, 'baseline'> & { baseline?: number })[];
    }[];
  }[];
}

/** A valid file's data as the import takes it: texts trimmed, emails in lower case, a contact's role given. */
function planFileOf(raw: RawPlanFile): PlanFile {
  return {
    partnership: { id: raw.partnership.id.trim(), name: raw.partnership.name.trim() },
    plan: {
      id: raw.plan.id.trim(),
      title: raw.plan.title.trim(),
      periodStart: raw.plan.periodStart,
      periodEnd: raw.plan.periodEnd,
    },
    agencies: raw.agencies.map((a) => ({
      id: a.id.trim(),
      name: a.name.trim(),
      contacts: a.contacts.map((c) => ({
        name: c.name.trim(),
        email: c.email.trim().toLowerCase(),
        role: c.role ?? 'lead',
      })),
    })),
    themes: raw.themes.map((t) => ({
      id: t.id.trim(),
      title: t.title.trim(),
      ambition: t.ambition.trim(),
      leadAgencies: t.leadAgencies.map((id) => id.trim()),
      priorities: (t.priorities ?? []).map((p) => ({ ref: p.ref.trim(), text: p.text.trim() })),
      measures: t.measures.map((m) => ({
        ref: m.ref.trim(),
        text: m.text.trim(),
        leadAgency: m.leadAgency.trim(),
        ...(m.priority?.trim() ? { priority: m.priority.trim() } : {}),
        // Left out when there are none, so a plan without indicators reads as it always did.
        ...(m.indicators?.length
          ? {
              indicators: m.indicators.map((i) => ({
                name: i.name.trim(),
                unit: i.unit.trim(),
                baseline: i.baseline ?? null,
                target: i.target,
                direction: i.direction,
                amber: { ...i.amber },
                red: { ...i.red },
              })),
            }
          : {}),
      })),
    })),
  };
}

export function formatProblems(problems: PlanFileProblem[]): string {
  return problems.map((p) => `  line ${p.line ?? '?'}: ${p.path || '(file)'} ${p.message}`).join('\n');
}
