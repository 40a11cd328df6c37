import { ERASED } from '../../event-store/src/index.js';
import { Agency } from './plan.state.js';

/**
 * The agency's lead contacts a submission link can go to. A lead who was forgotten is still on the plan, as
 * [erased], until a coordinator takes the line off; there is no address to send them a link at, and opening a
 * cycle or reissuing the agency's links must not fail for them.
 */
export function linkableLeads(agency: Agency | undefined): { email: string; name: string }[] {
  return [...(agency?.contacts.values() ?? [])].filter((c) => c.role === 'lead' && c.email !== ERASED);
}
