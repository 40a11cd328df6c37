import { Actor } from '../../../kernel/src/index.js';

/**
 * Whether the actor may see this return at all. What they may not see is answered as missing (404), never as
 * forbidden: another partnership's returns, another agency's (for an agency lead), another cycle's (through a
 * submission link).
 */
export function canSeeReturn(
  actor: Actor,
  r: { partnershipId: string; agencyId: string; cycleId: string },
): boolean {
  return (
    r.partnershipId === actor.partnershipId &&
    (actor.cycleId === undefined || actor.cycleId === r.cycleId) &&
    (actor.role !== 'agency-lead' || actor.agencyId === r.agencyId)
  );
}
