import { StoredEvent } from '../../../event-store/src/index.js';
import { PartnershipEvent } from '../../../plan/src/index.js';

/** The partnership events that change an agency's name or standing; contacts' events are not read for it. */
export const REPORTED_AGENCY_EVENTS = [
  'PartnershipRegistered',
  'AgencyAdded',
  'AgencyRenamed',
  'AgencyRetired',
] as const satisfies readonly PartnershipEvent['type'][];

/** An agency's row of report_agencies: an organisation's name, never a contact's. */
export interface ReportedAgencyRow {
  agencyId: string;
  name: string;
  retired: boolean;
}

export interface ReportedAgencies {
  partnershipId: string;
  agencies: ReportedAgencyRow[];
}

/**
 * A partnership's agencies by name, folded from its whole stream: null for a stream that registered no
 * partnership. A retired agency stays (flagged): past returns were its. Only the agency events are read, so a
 * contact's name or address (personal data) can never reach the table, and an event about an agency the stream
 * never added is passed over rather than stopping the projection.
 */
export function reportedAgencies(events: readonly StoredEvent<PartnershipEvent>[]): ReportedAgencies | null {
  let partnershipId: string | null = null;
  const agencies = new Map<string, ReportedAgencyRow>();
  for (const event of events) {
    const e = { type: event.type, data: event.data } as PartnershipEvent;
    switch (e.type) {
      case 'PartnershipRegistered':
        partnershipId = e.data.partnershipId;
        break;
      case 'AgencyAdded':
        agencies.set(e.data.agencyId, { agencyId: e.data.agencyId, name: e.data.name, retired: false });
        break;
      case 'AgencyRenamed': {
        const agency = agencies.get(e.data.agencyId);
        if (agency) agencies.set(agency.agencyId, { ...agency, name: e.data.name });
        break;
      }
      case 'AgencyRetired': {
        const agency = agencies.get(e.data.agencyId);
        if (agency) agencies.set(agency.agencyId, { ...agency, retired: true });
        break;
      }
      default:
        break;
    }
  }
  if (typeof partnershipId !== 'string') return null;
  return { partnershipId, agencies: [...agencies.values()] };
}
