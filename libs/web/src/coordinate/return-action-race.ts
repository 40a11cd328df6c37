/**
 * What each of the coordinator's return page actions is, for when the return moved on while the page was open:
 * the event it records (to tell a second press of the same button from someone else's change), its button's
 * words, and what to say when it was already done.
 */
export const RETURN_ACTION_WORDS: Record<string, { event: string; button: string; already: string }> = {
  reopen: { event: 'ReturnReopened', button: 'Reopen', already: 'This return had already been reopened' },
  extend: {
    event: 'DeadlineExtended',
    button: 'Extend',
    already: 'This return’s deadline had already been extended',
  },
  reassign: {
    event: 'ReturnReassigned',
    button: 'Reassign',
    already: 'This return had already been reassigned',
  },
  withdraw: {
    event: 'ReturnWithdrawn',
    button: 'Withdraw',
    already: 'This return had already been withdrawn',
  },
};

/** Which of the page's action forms the return's status offers (as pages/coordinate/return.njk shows them). */
export function actionOffered(action: string, status: string): boolean {
  if (action === 'reopen') return status === 'approved';
  if (action === 'extend') return ['requested', 'draft', 'submitted'].includes(status);
  if (action === 'reassign') return ['requested', 'draft'].includes(status);
  if (action === 'withdraw') return status !== 'withdrawn';
  return false;
}
