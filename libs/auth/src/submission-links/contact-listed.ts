import { PartnershipState } from '../../../plan/src/index.js';

/**
 * Whether the partnership's plan still lists a link's contact among its agency's contacts. A link sent to someone
 * since removed no longer opens (SubmissionLinkService), and the links page says so beside it.
 */
export function contactListed(
  partnership: PartnershipState,
  link: { agencyId: string; contactEmail: string },
): boolean {
  if (partnership.status !== 'registered') return false;
  const contacts = partnership.agencies.get(link.agencyId)?.contacts;
  const email = link.contactEmail.toLowerCase();
  return [...(contacts?.keys() ?? [])].some((listed) => listed.toLowerCase() === email);
}
