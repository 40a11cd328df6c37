import { PlanFile } from '../plan-file.js';
import { MeasureFields, PartnershipEvent, PlanEvent, ThemeFields } from '../plan.events.js';
import { PartnershipState, PlanState } from '../plan.state.js';
import { requireWellFormedPlan } from './well-formed-plan.js';

export interface ImportPlanDecision {
  partnershipEvents: PartnershipEvent[];
  planEvents: PlanEvent[];
}

/**
 * Compares a (validated) plan file with what the events say now and returns only what changed, so re-importing
 * the same file is a no-op and an edited file becomes a few precise change events.
 */
export function decideImportPlan(
  file: PlanFile,
  partnership: PartnershipState,
  plan: PlanState,
): ImportPlanDecision {
  requireWellFormedPlan(file);
  const partnershipEvents: PartnershipEvent[] = [];
  const planEvents: PlanEvent[] = [];

  if (partnership.status === 'none') {
    partnershipEvents.push({
      type: 'PartnershipRegistered',
      data: { partnershipId: file.partnership.id, name: file.partnership.name },
    });
  } else if (partnership.name !== file.partnership.name) {
    partnershipEvents.push({ type: 'PartnershipRenamed', data: { name: file.partnership.name } });
  }

  const agencies = partnership.status === 'registered' ? partnership.agencies : new Map();
  for (const agency of file.agencies) {
    const current = agencies.get(agency.id);
    if (!current) {
      partnershipEvents.push({ type: 'AgencyAdded', data: { agencyId: agency.id, name: agency.name } });
    } else if (current.name !== agency.name) {
      partnershipEvents.push({ type: 'AgencyRenamed', data: { agencyId: agency.id, name: agency.name } });
    }
    const contacts = current?.contacts ?? new Map();
    for (const contact of agency.contacts) {
      const known = contacts.get(contact.email);
      if (!known) {
        partnershipEvents.push({ type: 'AgencyContactAdded', data: { agencyId: agency.id, ...contact } });
      } else if (known.name !== contact.name || known.role !== contact.role) {
        partnershipEvents.push({ type: 'AgencyContactChanged', data: { agencyId: agency.id, ...contact } });
      }
    }
    const emails = new Set(agency.contacts.map((c) => c.email));
    for (const email of contacts.keys()) {
      if (!emails.has(email))
        partnershipEvents.push({ type: 'AgencyContactRemoved', data: { agencyId: agency.id, email } });
    }
  }
  const agencyIds = new Set(file.agencies.map((a) => a.id));
  for (const agency of agencies.values()) {
    if (!agency.retired && !agencyIds.has(agency.id)) {
      partnershipEvents.push({ type: 'AgencyRetired', data: { agencyId: agency.id } });
    }
  }

  const { periodStart, periodEnd, title } = file.plan;
  if (plan.status === 'none') {
    planEvents.push({
      type: 'PlanAdopted',
      data: { partnershipId: file.partnership.id, planId: file.plan.id, title, periodStart, periodEnd },
    });
  } else if (plan.title !== title || plan.periodStart !== periodStart || plan.periodEnd !== periodEnd) {
    planEvents.push({ type: 'PlanChanged', data: { title, periodStart, periodEnd } });
  }

  const themes = plan.status === 'adopted' ? plan.themes : new Map();
  const priorities = plan.status === 'adopted' ? plan.priorities : new Map();
  const measures = plan.status === 'adopted' ? plan.measures : new Map();
  const seenPriorities = new Set<string>();
  const seenMeasures = new Set<string>();
  let measurePosition = 0;
  file.themes.forEach((theme, position) => {
    const fields: ThemeFields = {
      title: theme.title,
      ambition: theme.ambition,
      leadAgencyIds: theme.leadAgencies,
      position,
    };
    const current = themes.get(theme.id);
    if (!current) planEvents.push({ type: 'ThemeAdded', data: { themeId: theme.id, ...fields } });
    else {
      const changes = changed(current, fields);
      if (changes) planEvents.push({ type: 'ThemeChanged', data: { themeId: theme.id, changes } });
    }
    theme.priorities.forEach((priority, p) => {
      seenPriorities.add(priority.ref);
      const data = { ref: priority.ref, themeId: theme.id, text: priority.text, position: p };
      const known = priorities.get(priority.ref);
      if (!known) planEvents.push({ type: 'PriorityAdded', data });
      else if (changed(known, data)) planEvents.push({ type: 'PriorityChanged', data });
    });
    for (const measure of theme.measures) {
      seenMeasures.add(measure.ref);
      const fields: MeasureFields = {
        themeId: theme.id,
        text: measure.text,
        leadAgencyId: measure.leadAgency,
        priorityRef: measure.priority ?? null,
        position: measurePosition++,
        ...(measure.indicators?.length ? { indicators: measure.indicators } : {}),
      };
      const known = measures.get(measure.ref);
      if (!known) planEvents.push({ type: 'MeasureAdded', data: { ref: measure.ref, ...fields } });
      else {
        // A file that drops a measure's indicators says so by leaving the key out: that is a change to none.
        const dropped = !fields.indicators && (known.indicators?.length ?? 0) > 0;
        const changes = changed(known, dropped ? { ...fields, indicators: [] } : fields);
        if (changes) planEvents.push({ type: 'MeasureChanged', data: { ref: measure.ref, changes } });
      }
    }
  });
  for (const ref of measures.keys()) {
    if (!seenMeasures.has(ref)) planEvents.push({ type: 'MeasureRetired', data: { ref } });
  }
  for (const ref of priorities.keys()) {
    if (!seenPriorities.has(ref)) planEvents.push({ type: 'PriorityRemoved', data: { ref } });
  }
  const themeIds = new Set(file.themes.map((t) => t.id));
  for (const themeId of themes.keys()) {
    if (!themeIds.has(themeId)) planEvents.push({ type: 'ThemeRemoved', data: { themeId } });
  }
  return { partnershipEvents, planEvents };
}

/** The fields of `next` that differ from `current`, or null when nothing did. */
function changed<T extends object>(current: object, next: T): Partial<T> | null {
  const changes: Partial<T> = {};
  let any = false;
  for (const key of Object.keys(next) as (keyof T)[]) {
    if (canonical((current as T)[key]) !== canonical(next[key])) {
      changes[key] = next[key];
      any = true;
    }
  }
  return any ? changes : null;
}

/**
 * A value as JSON with every object's keys in order: the plan as read back from the store went through jsonb,
 * which keeps its own key order, so an indicator read back must still equal the same indicator in the file.
 */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
