import { as, eventually, http, Product } from './product.js';
import { openCycle } from './reporting.js';

/**
 * What the tests of a worker stopped mid-batch share: mail settings that make a batch go in waves and lapse
 * quickly, and a cycle of six measures whose seven lead contacts have had their links (so the chase that follows
 * mails each of them once).
 */
export const MAIL_CRASH_ENV = {
  MAIL_RATE_PER_MINUTE: '600',
  MAIL_RETRY_DELAY_MS: '100',
  JOB_LOCK_MS: '1500',
  MAIL_CLAIM_LEASE_MS: '1500',
  // Fewer at once than the 7 mails, so they go in waves and a stop can land with some sent and some in flight.
  MAIL_CONCURRENCY: '4',
};

/** Drafts and opens `cycleId` for six measures of seven lead contacts, and waits for their seven link mails. */
export async function openCycleOfSevenLeads(
  product: Product,
  call: ReturnType<typeof http>,
  cycleId: string,
  label: string,
): Promise<void> {
  const id = await openCycle(
    call,
    as.coordinator,
    { cycleId, label, periodStart: '2020-04-01', periodEnd: '2021-03-31', dueDate: '2030-04-30' },
    ['S1', 'G1', 'C3', 'H1', 'D4', 'Sus4'],
  );
  // Its id is scoped to the partnership (the chase streams are named by it); the name serves URLs.
  if (id !== `sevenoaks-lsp~${cycleId}`) throw new Error(`cycle id ${id}`);
  await eventually(async () => product.smtp.mails.length >= 7);
}
