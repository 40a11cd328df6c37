import { Indicator } from './indicators/indicator.js';
import { ContactRole } from './plan-file.js';

/** Events of a partnership's stream: who the partners are and whom to write to. */
export type PartnershipEvent =
  | { type: 'PartnershipRegistered'; data: { partnershipId: string; name: string } }
  | { type: 'PartnershipRenamed'; data: { name: string } }
  | { type: 'AgencyAdded'; data: { agencyId: string; name: string } }
  | { type: 'AgencyRenamed'; data: { agencyId: string; name: string } }
  | { type: 'AgencyRetired'; data: { agencyId: string } }
  | { type: 'AgencyContactAdded'; data: { agencyId: string; email: string; name: string; role: ContactRole } }
  | {
      type: 'AgencyContactChanged';
      data: { agencyId: string; email: string; name: string; role: ContactRole };
    }
  | { type: 'AgencyContactRemoved'; data: { agencyId: string; email: string } };

export interface ThemeFields {
  title: string;
  ambition: string;
  leadAgencyIds: string[];
  position: number;
}

export interface MeasureFields {
  themeId: string;
  text: string;
  leadAgencyId: string;
  priorityRef: string | null;
  position: number;
  /** Left out of events recorded before indicators, and of measures without any: both read as none. */
  indicators?: Indicator[];
}

/** Events of a plan's stream: themes, priorities and key success measures over the plan period. */
export type PlanEvent =
  | {
      type: 'PlanAdopted';
      data: { partnershipId: string; planId: string; title: string; periodStart: string; periodEnd: string };
    }
  | { type: 'PlanChanged'; data: { title: string; periodStart: string; periodEnd: string } }
  | { type: 'ThemeAdded'; data: { themeId: string } & ThemeFields }
  | { type: 'ThemeChanged'; data: { themeId: string; changes: Partial<ThemeFields> } }
  | { type: 'ThemeRemoved'; data: { themeId: string } }
  | { type: 'PriorityAdded'; data: { ref: string; themeId: string; text: string; position: number } }
  | { type: 'PriorityChanged'; data: { ref: string; themeId: string; text: string; position: number } }
  | { type: 'PriorityRemoved'; data: { ref: string } }
  | { type: 'MeasureAdded'; data: { ref: string } & MeasureFields }
  | { type: 'MeasureChanged'; data: { ref: string; changes: Partial<MeasureFields> } }
  | { type: 'MeasureRetired'; data: { ref: string } };

export const partnershipStreamId = (partnershipId: string) => `partnership:${partnershipId}`;
export const planStreamId = (partnershipId: string, planId: string) => `plan:${partnershipId}:${planId}`;
