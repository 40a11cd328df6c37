import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '../../../kernel/src/index.js';
import { PartnershipState, PlanRepository } from '../../../plan/src/index.js';

export interface AgencyView {
  agencyId: string;
  name: string;
  /** No longer taking part: kept so that past returns still name their agency. */
  retired: boolean;
  contacts: { name: string; email: string; role: string }[];
}

export interface AgenciesView {
  partnershipId: string;
  name: string;
  agencies: AgencyView[];
}

/** The partnership's agencies with their contacts, in the order they joined; null for no partnership. */
export function agenciesView(partnership: PartnershipState): AgenciesView | null {
  if (partnership.status === 'none') return null;
  return {
    partnershipId: partnership.partnershipId,
    name: partnership.name,
    agencies: [...partnership.agencies.values()].map((a) => ({
      agencyId: a.id,
      name: a.name,
      retired: a.retired,
      contacts: [...a.contacts.values()].map(({ name, email, role }) => ({ name, email, role })),
    })),
  };
}

/** The agencies list: the API's and the plan page's. */
@Injectable()
export class ListAgencies {
  constructor(@Inject(PlanRepository) private readonly plans: PlanRepository) {}

  /** Null when the partnership is not registered. */
  async load(partnershipId: string): Promise<AgenciesView | null> {
    return agenciesView(await this.plans.partnership(partnershipId));
  }

  async list(partnershipId: string): Promise<AgenciesView> {
    const view = await this.load(partnershipId);
    if (!view) throw new DomainError('partnership-not-found', 'No such partnership', 'not-found');
    return view;
  }
}
