import { chaseMailJob, escalationMailJob, OutboxJob } from '../../../queues/src/index.js';

/**
 * The job that sends a chase's mail to one of its recipients. The agency's own people get a mail of this agency's
 * chase; a coordinator gets one mail per escalation step of the cycle, which every agency escalated at it owes
 * under the same job id (so it is owed once). The event's reaction asks this; the scan's re-derivation asks it for
 * the agencies' own people and escalationMailJob, with the agencies still unsent, for a coordinator.
 */
export function chaseMailJobFor(
  chase: { cycleId: string; agencyId: string; step: string },
  recipient: { email: string; role: string },
): OutboxJob {
  const { cycleId, agencyId, step } = chase;
  return recipient.role === 'coordinator'
    ? escalationMailJob({ cycleId, step, recipient: recipient.email })
    : chaseMailJob({ cycleId, agencyId, step, recipient: recipient.email });
}
