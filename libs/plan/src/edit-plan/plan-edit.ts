import { DomainError, isWellFormedId, TEXT_FAULT_MESSAGES, textFault } from '../../../kernel/src/index.js';
import { parsePlanFile } from '../parse-plan-file.js';
import { planEmailFault, planTextFault } from '../plan-text.js';
import { ContactRole, PlanFile, PlanFileProblem } from '../plan-file.js';
import { addIndicator, changeIndicator, removeIndicator } from './indicator-edit.js';
import { planFileYaml } from './recorded-plan-file.js';

/** The parts of a plan a coordinator edits one at a time on the plan page. */
export const PLAN_PARTS = ['theme', 'priority', 'measure', 'indicator', 'agency', 'contact'] as const;
export type PlanPart = (typeof PLAN_PARTS)[number];
export const isPlanPart = (value: unknown): value is PlanPart => PLAN_PARTS.includes(value as PlanPart);

/** A form's fields as the browser sent them: text, or a list for checkboxes. */
export type PlanForm = Record<string, string | string[] | undefined>;

/**
 * One edit of the plan from a form: add a part, change one (named by `key`: a theme or agency id, a priority or
 * measure ref, or `agencyId~email` for a contact), or remove one.
 */
export interface PlanEdit {
  part: PlanPart;
  action: 'add' | 'change' | 'remove';
  key?: string;
  form: PlanForm;
}

/** A problem with one field of the form, in plain words, named by the field's id for the inline error. */
export interface PlanEditProblem {
  field: string;
  message: string;
}

/** What the plan's history knows beyond the file: measures already asked for, and agencies that have left. */
export interface PlanEditContext {
  askedFor: ReadonlySet<string>;
  retiredAgencyIds: ReadonlySet<string>;
}

export type PlanEditOutcome = { ok: true; file: PlanFile } | { ok: false; problems: PlanEditProblem[] };

export const contactKey = (agencyId: string, email: string) => `${agencyId}~${email}`;

const NAME_MAX = 200;
const TEXT_MAX = 2000;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The plan file after one edit, or the problems that stop it. The result is checked whole by the same parser an
 * imported file goes through, so a form can never record a plan the import would refuse; the events are then
 * decided by decideImportPlan, so a form records exactly the events an import of the same change would.
 */
export function editPlanFile(current: PlanFile, edit: PlanEdit, context: PlanEditContext): PlanEditOutcome {
  const file = structuredClone(current);
  const problems: PlanEditProblem[] = [];
  const form = new FormReader(edit.form, problems);
  const apply = EDITS[edit.part][edit.action];
  apply(file, edit.key ?? '', form, context, problems);
  if (problems.length > 0) return { ok: false, problems };
  // The backstop: every rule of the plan file (unique ids and emails, a lead contact, known agencies...).
  const parsed = parsePlanFile(planFileYaml(file));
  if (parsed.ok) return { ok: true, file: parsed.plan };
  const added = problemsAdded(parsed.problems, current);
  if (added.length === 0) return { ok: true, file };
  return {
    ok: false,
    problems: added.map((p) => ({
      field: '',
      message: `The plan would not be valid: ${p.path} ${p.message}`,
    })),
  };
}

/**
 * The problems an edit brings, leaving out those the recorded plan already had: a plan recorded before a rule
 * existed (a zero-width space in a theme's title, before invisible characters were refused) must stay editable,
 * or no edit could ever be saved, not even the one that takes the character out. Matched by message, each once:
 * an edit moves paths (a theme removed renumbers the rest), and the form's own checks refuse what it brings new.
 */
function problemsAdded(problems: PlanFileProblem[], current: PlanFile): PlanFileProblem[] {
  const before = parsePlanFile(planFileYaml(current));
  if (before.ok) return problems;
  const inherited = before.problems.map((p) => p.message);
  return problems.filter((p) => {
    const at = inherited.indexOf(p.message);
    if (at === -1) return true;
    inherited.splice(at, 1);
    return false;
  });
}

type Apply = (
  file: PlanFile,
  key: string,
  form: FormReader,
  context: PlanEditContext,
  problems: PlanEditProblem[],
) => void;

const notFound = (what: string, key: string): never => {
  throw new DomainError('plan-part-not-found', `The plan has no ${what} "${key}"`, 'not-found');
};

/** Reads a form's fields, trimmed, adding a problem in plain words for each that breaks its rule. */
class FormReader {
  constructor(
    readonly fields: PlanForm,
    private readonly problems: PlanEditProblem[],
  ) {}

  problem(field: string, message: string) {
    if (!this.problems.some((p) => p.field === field)) this.problems.push({ field, message });
  }

  raw(field: string): string {
    const value = this.fields[field];
    return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
  }

  list(field: string): string[] {
    const value = this.fields[field];
    return (Array.isArray(value) ? value : value ? [value] : []).map((v) => v.trim()).filter(Boolean);
  }

  /** Text a person wrote: required, no longer than `max`, and storable. */
  text(field: string, label: string, max: number): string {
    const value = this.raw(field);
    if (!value) this.problem(field, `Enter ${label}`);
    else if (value.length > max)
      this.problem(field, `${capital(label)} must be ${max.toLocaleString('en-GB')} characters or fewer`);
    else {
      const fault = textFault(value);
      // The same rule as the plan file's: a name is one line, and nothing in it is invisible.
      const invisible = planTextFault(value, max === NAME_MAX ? 'one line' : 'lines');
      if (fault) this.problem(field, `${capital(label)} ${TEXT_FAULT_MESSAGES[fault]}`);
      else if (invisible) this.problem(field, `${capital(label)} ${invisible}`);
    }
    return value;
  }

  id(field: string, label: string): string {
    const value = this.raw(field);
    if (!value) this.problem(field, `Enter ${label}`);
    else if (!isWellFormedId('slug', value) || value.length > 64)
      this.problem(
        field,
        `${capital(label)} must be lower-case letters and numbers joined by hyphens, like safe-communities`,
      );
    return value;
  }

  ref(field: string, label: string): string {
    const value = this.raw(field);
    if (!value) this.problem(field, `Enter ${label}`);
    else if (!/^[A-Za-z][A-Za-z0-9-]{0,15}$/.test(value))
      this.problem(
        field,
        `${capital(label)} must start with a letter and be up to 16 letters, numbers or hyphens, like S1 or S-P1`,
      );
    return value;
  }

  email(field: string): string {
    const value = this.raw(field);
    if (!value) this.problem(field, 'Enter an email address');
    else if (planEmailFault(value)) this.problem(field, `The email address ${planEmailFault(value)}`);
    else if (!EMAIL.test(value) || value.length > 254)
      this.problem(field, 'Enter an email address in the correct format, like name@example.org');
    return value;
  }

  role(field: string): ContactRole {
    const value = this.raw(field);
    if (value !== 'lead' && value !== 'senior')
      this.problem(field, 'Choose whether the contact is a lead or a senior contact');
    return value as ContactRole;
  }

  /** One of the choices offered: an agency, a theme. */
  choice(field: string, label: string, choices: string[]): string {
    const value = this.raw(field);
    if (!value || !choices.includes(value)) this.problem(field, `Choose ${label}`);
    return value;
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const agencyIds = (file: PlanFile) => file.agencies.map((a) => a.id);
const themeIds = (file: PlanFile) => file.themes.map((t) => t.id);
const allMeasures = (file: PlanFile) => file.themes.flatMap((t) => t.measures);
const allPriorities = (file: PlanFile) => file.themes.flatMap((t) => t.priorities);
const refTaken = (refs: string[], ref: string) => refs.some((r) => r.toLowerCase() === ref.toLowerCase());
const emailOwner = (file: PlanFile, email: string) =>
  file.agencies.find((a) => a.contacts.some((c) => c.email.toLowerCase() === email.toLowerCase()));

function findTheme(file: PlanFile, key: string) {
  return file.themes.find((t) => t.id === key) ?? notFound('theme', key);
}
function findMeasure(file: PlanFile, key: string) {
  const theme = file.themes.find((t) => t.measures.some((m) => m.ref === key)) ?? notFound('measure', key);
  return { theme, measure: theme.measures.find((m) => m.ref === key)! };
}
function findPriority(file: PlanFile, key: string) {
  const theme = file.themes.find((t) => t.priorities.some((p) => p.ref === key)) ?? notFound('priority', key);
  return { theme, priority: theme.priorities.find((p) => p.ref === key)! };
}
function findAgency(file: PlanFile, key: string) {
  return file.agencies.find((a) => a.id === key) ?? notFound('agency', key);
}
function findContact(file: PlanFile, key: string) {
  const at = key.indexOf('~');
  const agency = findAgency(file, key.slice(0, Math.max(at, 0)));
  const contact = agency.contacts.find((c) => c.email === key.slice(at + 1)) ?? notFound('contact', key);
  return { agency, contact };
}

/** The theme's fields, as the add and change forms both have them. */
function themeFields(file: PlanFile, form: FormReader) {
  const leadAgencies = form.list('leadAgencies');
  if (leadAgencies.length === 0) form.problem('leadAgencies', 'Choose at least one lead agency');
  else if (leadAgencies.some((id) => !agencyIds(file).includes(id)))
    form.problem('leadAgencies', 'Choose lead agencies from the list');
  return {
    title: form.text('title', 'the theme’s title', NAME_MAX),
    ambition: form.text('ambition', 'the theme’s ambition', TEXT_MAX),
    leadAgencies,
  };
}

/** A measure's text, lead agency and priority; the priority must be one of the theme's own, or none. */
function measureFields(file: PlanFile, form: FormReader, themeId: string, prefix = '') {
  const field = (name: string) => (prefix ? `${prefix}${capital(name)}` : name);
  const text = form.text(field('text'), 'the key success measure', TEXT_MAX);
  const leadAgency = form.choice(field('leadAgency'), 'the lead agency', agencyIds(file));
  const priority = prefix ? '' : form.raw('priority');
  const theme = file.themes.find((t) => t.id === themeId);
  if (priority && theme && !theme.priorities.some((p) => p.ref === priority))
    form.problem('priority', 'Choose one of this theme’s priorities, or none');
  return { text, leadAgency, ...(priority ? { priority } : {}) };
}

const EDITS: Record<PlanPart, Record<PlanEdit['action'], Apply>> = {
  theme: {
    add(file, _key, form) {
      const id = form.id('id', 'an id for the theme');
      if (id && themeIds(file).includes(id)) form.problem('id', `There is already a theme with the id ${id}`);
      const fields = themeFields(file, form);
      // A theme is asked about through its measures, and the plan file gives each theme at least one.
      const ref = form.ref('measureRef', 'a reference for its first measure');
      if (
        ref &&
        refTaken(
          allMeasures(file).map((m) => m.ref),
          ref,
        )
      )
        form.problem('measureRef', `There is already a measure ${ref}`);
      const measure = measureFields(file, form, id, 'measure');
      file.themes.push({ id, ...fields, priorities: [], measures: [{ ref, ...measure }] });
    },
    change(file, key, form) {
      Object.assign(findTheme(file, key), themeFields(file, form));
    },
    remove(file, key, form, { askedFor }) {
      const theme = findTheme(file, key);
      const asked = theme.measures.filter((m) => askedFor.has(m.ref)).map((m) => m.ref);
      if (asked.length > 0)
        form.problem(
          'remove',
          `${theme.title} stays in the plan: its measures ${asked.join(', ')} have been asked for in a cycle`,
        );
      else if (file.themes.length === 1) form.problem('remove', 'A plan needs at least one theme');
      file.themes = file.themes.filter((t) => t !== theme);
    },
  },
  priority: {
    add(file, _key, form) {
      const ref = form.ref('ref', 'a reference for the priority');
      if (
        ref &&
        refTaken(
          allPriorities(file).map((p) => p.ref),
          ref,
        )
      )
        form.problem('ref', `There is already a priority ${ref}`);
      const themeId = form.choice('theme', 'the theme', themeIds(file));
      const text = form.text('text', 'the priority', TEXT_MAX);
      file.themes.find((t) => t.id === themeId)?.priorities.push({ ref, text });
    },
    change(file, key, form) {
      const { priority } = findPriority(file, key);
      priority.text = form.text('text', 'the priority', TEXT_MAX);
    },
    remove(file, key, form) {
      const { theme, priority } = findPriority(file, key);
      const under = theme.measures.filter((m) => m.priority === key).map((m) => m.ref);
      if (under.length > 0)
        form.problem(
          'remove',
          `Measures ${under.join(', ')} are under this priority: give them another priority or none first`,
        );
      theme.priorities = theme.priorities.filter((p) => p !== priority);
    },
  },
  measure: {
    add(file, _key, form) {
      const ref = form.ref('ref', 'a reference for the measure');
      if (
        ref &&
        refTaken(
          allMeasures(file).map((m) => m.ref),
          ref,
        )
      )
        form.problem('ref', `There is already a measure ${ref}`);
      const themeId = form.choice('theme', 'the theme', themeIds(file));
      const fields = measureFields(file, form, themeId);
      file.themes.find((t) => t.id === themeId)?.measures.push({ ref, ...fields });
    },
    change(file, key, form) {
      const { theme, measure } = findMeasure(file, key);
      const themeId = form.choice('theme', 'the theme', themeIds(file));
      const fields = measureFields(file, form, themeId);
      // The form edits the wording, theme, lead and priority; the measure's indicators go with it unchanged.
      const next = {
        ref: measure.ref,
        ...fields,
        ...(measure.indicators?.length ? { indicators: measure.indicators } : {}),
      };
      if (themeId === theme.id) theme.measures[theme.measures.indexOf(measure)] = next;
      else {
        // Moved to another theme: it goes last there, and its old theme must keep a measure.
        if (theme.measures.length === 1)
          form.problem(
            'theme',
            `${measure.ref} is the only measure of ${theme.title}: add another there first`,
          );
        theme.measures = theme.measures.filter((m) => m !== measure);
        file.themes.find((t) => t.id === themeId)?.measures.push(next);
      }
    },
    remove(file, key, form, { askedFor }) {
      const { theme, measure } = findMeasure(file, key);
      if (askedFor.has(key))
        form.problem(
          'remove',
          `${key} stays in the plan: it has been asked for in a cycle. You can change its wording instead`,
        );
      else if (theme.measures.length === 1)
        form.problem('remove', `${key} is the only measure of ${theme.title}: remove the theme instead`);
      theme.measures = theme.measures.filter((m) => m !== measure);
    },
  },
  indicator: {
    add(file, _key, form, _context, problems) {
      addIndicator(file, form.fields, problems);
    },
    change(file, key, form, _context, problems) {
      changeIndicator(file, key, form.fields, problems);
    },
    remove(file, key) {
      removeIndicator(file, key);
    },
  },
  agency: {
    add(file, _key, form, { retiredAgencyIds }) {
      const id = form.id('id', 'an id for the agency');
      if (id && agencyIds(file).includes(id))
        form.problem('id', `There is already an agency with the id ${id}`);
      else if (retiredAgencyIds.has(id))
        form.problem('id', `The id ${id} was an agency that has left the partnership: choose another`);
      const name = form.text('name', 'the agency’s name', NAME_MAX);
      // An agency answers its returns through a lead contact, and the plan file gives each one at least one.
      const contactName = form.text('contactName', 'the lead contact’s name', NAME_MAX);
      const email = form.email('contactEmail');
      const owner = email ? emailOwner(file, email) : undefined;
      if (owner) form.problem('contactEmail', `Someone at ${owner.name} already has this email address`);
      file.agencies.push({ id, name, contacts: [{ name: contactName, email, role: 'lead' }] });
    },
    change(file, key, form) {
      findAgency(file, key).name = form.text('name', 'the agency’s name', NAME_MAX);
    },
    remove(file, key, form) {
      const agency = findAgency(file, key);
      const leads = [
        ...file.themes.filter((t) => t.leadAgencies.includes(key)).map((t) => t.title),
        ...allMeasures(file)
          .filter((m) => m.leadAgency === key)
          .map((m) => m.ref),
      ];
      if (leads.length > 0)
        form.problem('remove', `${agency.name} leads ${leads.join(', ')}: choose another lead agency first`);
      else if (file.agencies.length === 1) form.problem('remove', 'A partnership needs at least one agency');
      file.agencies = file.agencies.filter((a) => a !== agency);
    },
  },
  contact: {
    add(file, _key, form) {
      const agencyId = form.choice('agency', 'the agency', agencyIds(file));
      const name = form.text('name', 'the contact’s name', NAME_MAX);
      const email = form.email('email');
      const owner = email ? emailOwner(file, email) : undefined;
      if (owner) form.problem('email', `Someone at ${owner.name} already has this email address`);
      const role = form.role('role');
      file.agencies.find((a) => a.id === agencyId)?.contacts.push({ name, email, role });
    },
    change(file, key, form) {
      const { agency, contact } = findContact(file, key);
      contact.name = form.text('name', 'the contact’s name', NAME_MAX);
      contact.role = form.role('role');
      if (!agency.contacts.some((c) => c.role === 'lead'))
        form.problem('role', `${agency.name} needs a lead contact to answer its returns`);
    },
    remove(file, key, form) {
      const { agency, contact } = findContact(file, key);
      agency.contacts = agency.contacts.filter((c) => c !== contact);
      if (agency.contacts.length === 0)
        form.problem('remove', `${agency.name} needs at least one contact: add another first`);
      else if (!agency.contacts.some((c) => c.role === 'lead'))
        form.problem(
          'remove',
          `${agency.name} needs a lead contact to answer its returns: add another first`,
        );
    },
  },
};
