import { Actor, cycleNameOf } from '../../../kernel/src/index.js';

/**
 * Where the HTML report's link goes back to in the service: the cycle's dashboard for a coordinator, the task
 * list of the link's cycle for an agency lead, the review queue for a reviewer, the cycle's read-only progress
 * page for a viewer, and the start page for anyone else (whoever the page is later opened by). The report opens in its own tab with no layout of
 * the service around it, so without this a reader has no way back (issue 13 point 10).
 */
export function reportBackLink(actor: Actor, cycleId: string): { href: string; text: string } {
  // Pages name a cycle by its name within the partnership, as their addresses do.
  const cycle = encodeURIComponent(cycleNameOf(cycleId));
  switch (actor.role) {
    case 'coordinator':
      return { href: `/coordinate/cycles/${cycle}`, text: 'Back to the cycle’s dashboard' };
    case 'agency-lead':
      return {
        href: `/agency/cycles/${encodeURIComponent(cycleNameOf(actor.cycleId ?? cycleId))}`,
        text: 'Back to your returns',
      };
    case 'reviewer':
      return { href: '/review', text: 'Back to the returns to review' };
    case 'viewer':
      return { href: `/view/cycles/${cycle}`, text: 'Back to the cycle’s progress' };
    case 'board':
      return { href: '/review?state=to-accept', text: 'Back to the returns to accept' };
    default:
      return { href: '/', text: 'Back to Partner Returns' };
  }
}
