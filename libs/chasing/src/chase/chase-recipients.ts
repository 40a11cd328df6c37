import { Agency } from '../../../plan/src/index.js';
import { ChaseRecipient } from './chase.events.js';

/**
 * Who is chased: the agency's leads; on escalation also its senior contacts and the partnership's coordinators.
 * Each address once, in that order of precedence.
 */
export function chaseRecipients(
  agency: Agency,
  coordinators: readonly { email: string }[],
  escalate: boolean,
): ChaseRecipient[] {
  const contacts = [...agency.contacts.values()];
  const leads = contacts
    .filter((c) => c.role === 'lead')
    .map((c) => ({ email: c.email, role: 'lead' as const }));
  if (!escalate) return leads;
  const seniors = contacts
    .filter((c) => c.role === 'senior')
    .map((c) => ({ email: c.email, role: 'senior' as const }));
  const above = coordinators.map((c) => ({ email: c.email, role: 'coordinator' as const }));
  const seen = new Set<string>();
  return [...leads, ...seniors, ...above].filter((r) => !seen.has(r.email) && seen.add(r.email));
}
