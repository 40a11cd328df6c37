import { LiveCycle, ReturnView } from '../../../returns/src/index.js';

/**
 * Whether the lead may still change the return: not yet sent, and its cycle open (or it is an amendment of an
 * approved return, which a closed cycle still takes).
 */
export function mayChange(view: ReturnView, cycle: LiveCycle): boolean {
  const unsent = view.status === 'requested' || view.status === 'draft';
  return unsent && (cycle.status === 'open' || view.approved !== null);
}

/**
 * Why the return's files cannot be added or removed now, in the lead's words; null when they can. The status is
 * the reason before the cycle: a sent return stays sent whether or not its cycle has closed.
 */
export function filesFixedBecause(view: ReturnView, cycle: LiveCycle): string | null {
  if (mayChange(view, cycle)) return null;
  const cannot = 'so files cannot be added to it or removed from it.';
  if (view.status === 'submitted')
    return `You have sent this return and it is waiting for review, ${cannot} If the reviewer sends it back for changes, you can change its files then.`;
  if (view.status === 'approved') return `This return has been approved, ${cannot}`;
  if (view.status === 'accepted') return `This return has been accepted, ${cannot}`;
  if (view.status === 'withdrawn') return `The coordinator withdrew this return, ${cannot}`;
  return `The monitoring cycle ${cycle.label} has closed, ${cannot} If you still need to send a file, reply to the email your link came in.`;
}
