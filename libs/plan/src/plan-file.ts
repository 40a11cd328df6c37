import { Indicator } from './indicators/indicator.js';

/** The shape of a plan file (YAML), as coordinators write it. See examples/sevenoaks-2019-22.yaml. */
export type ContactRole = 'lead' | 'senior';

export interface PlanFile {
  partnership: { id: string; name: string };
  plan: { id: string; title: string; periodStart: string; periodEnd: string };
  agencies: { id: string; name: string; contacts: { name: string; email: string; role: ContactRole }[] }[];
  themes: {
    id: string;
    title: string;
    ambition: string;
    leadAgencies: string[];
    priorities: { ref: string; text: string }[];
    measures: {
      ref: string;
      text: string;
      leadAgency: string;
      priority?: string;
      indicators?: Indicator[];
    }[];
  }[];
}

export interface PlanFileProblem {
  /** Where in the file, as a path: themes[2].measures[0].leadAgency */
  path: string;
  /** 1-based line in the file, when the path exists there. */
  line?: number;
  message: string;
}
