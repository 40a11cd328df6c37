import { ContactRole } from './plan-file.js';
import { MeasureFields, PartnershipEvent, PlanEvent, ThemeFields } from './plan.events.js';

export interface Agency {
  id: string;
  name: string;
  retired: boolean;
  contacts: Map<string, { email: string; name: string; role: ContactRole }>;
}

export type PartnershipState =
  | { status: 'none' }
  | { status: 'registered'; partnershipId: string; name: string; agencies: Map<string, Agency> };

export type Measure = { ref: string } & MeasureFields;
export type Theme = { themeId: string } & ThemeFields;
export type Priority = { ref: string; themeId: string; text: string; position: number };

export type PlanState =
  | { status: 'none' }
  | {
      status: 'adopted';
      partnershipId: string;
      planId: string;
      title: string;
      periodStart: string;
      periodEnd: string;
      themes: Map<string, Theme>;
      priorities: Map<string, Priority>;
      /** Live measures only: a retired measure leaves the map. */
      measures: Map<string, Measure>;
    };

export const initialPartnership = (): PartnershipState => ({ status: 'none' });
export const initialPlan = (): PlanState => ({ status: 'none' });

export function evolvePartnership(state: PartnershipState, event: PartnershipEvent): PartnershipState {
  if (event.type === 'PartnershipRegistered') {
    return {
      status: 'registered',
      partnershipId: event.data.partnershipId,
      name: event.data.name,
      agencies: new Map(),
    };
  }
  if (state.status === 'none') return state;
  const agencies = new Map(state.agencies);
  const agency = (id: string) => {
    const found = agencies.get(id)!;
    const copy = { ...found, contacts: new Map(found.contacts) };
    agencies.set(id, copy);
    return copy;
  };
  switch (event.type) {
    case 'PartnershipRenamed':
      return { ...state, name: event.data.name };
    case 'AgencyAdded':
      agencies.set(event.data.agencyId, {
        id: event.data.agencyId,
        name: event.data.name,
        retired: false,
        contacts: new Map(),
      });
      break;
    case 'AgencyRenamed':
      agency(event.data.agencyId).name = event.data.name;
      break;
    case 'AgencyRetired':
      agency(event.data.agencyId).retired = true;
      break;
    case 'AgencyContactAdded':
    case 'AgencyContactChanged': {
      const { email, name, role } = event.data;
      agency(event.data.agencyId).contacts.set(email, { email, name, role });
      break;
    }
    case 'AgencyContactRemoved':
      agency(event.data.agencyId).contacts.delete(event.data.email);
      break;
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
  return { ...state, agencies };
}

export function evolvePlan(state: PlanState, event: PlanEvent): PlanState {
  if (event.type === 'PlanAdopted') {
    return {
      status: 'adopted',
      ...event.data,
      themes: new Map(),
      priorities: new Map(),
      measures: new Map(),
    };
  }
  if (state.status === 'none') return state;
  switch (event.type) {
    case 'PlanChanged':
      return { ...state, ...event.data };
    case 'ThemeAdded': {
      const { themeId, ...fields } = event.data;
      return { ...state, themes: new Map(state.themes).set(themeId, { themeId, ...fields }) };
    }
    case 'ThemeChanged': {
      const themes = new Map(state.themes);
      themes.set(event.data.themeId, { ...themes.get(event.data.themeId)!, ...event.data.changes });
      return { ...state, themes };
    }
    case 'ThemeRemoved': {
      const themes = new Map(state.themes);
      themes.delete(event.data.themeId);
      return { ...state, themes };
    }
    case 'PriorityAdded':
    case 'PriorityChanged':
      return { ...state, priorities: new Map(state.priorities).set(event.data.ref, { ...event.data }) };
    case 'PriorityRemoved': {
      const priorities = new Map(state.priorities);
      priorities.delete(event.data.ref);
      return { ...state, priorities };
    }
    case 'MeasureAdded':
      return { ...state, measures: new Map(state.measures).set(event.data.ref, { ...event.data }) };
    case 'MeasureChanged': {
      const measures = new Map(state.measures);
      measures.set(event.data.ref, { ...measures.get(event.data.ref)!, ...event.data.changes });
      return { ...state, measures };
    }
    case 'MeasureRetired': {
      const measures = new Map(state.measures);
      measures.delete(event.data.ref);
      return { ...state, measures };
    }
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}
