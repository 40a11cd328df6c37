import { StoredEvent } from '../../../event-store/src/index.js';
import { JOBS, OutboxJob, PasswordMailJob, QUEUES } from '../../../queues/src/index.js';
import type { PasswordTokenPurpose } from './password-token.js';

/**
 * A set-password link issued (an invitation, or a reset asked for), appended in the same transaction as its
 * token's row: the mail it owes is then as durable as the token, whatever happens to the api after the commit.
 * Ids only: the token is re-derived by the worker (passwordToken), so no event holds it.
 */
export interface PasswordLinkIssued {
  type: 'PasswordLinkIssued';
  data: { tokenId: string; staffId: string; purpose: PasswordTokenPurpose };
}

/** One stream per link, beside the mail ledger's own stream for its mail (password-mail:<tokenId>). */
export const passwordLinkStreamId = (tokenId: string) => `password-link:${tokenId}`;

/** An issued set-password link is mailed to its account (SendPasswordMail), through owed_mails. */
export function passwordMailJobsFor(event: StoredEvent): OutboxJob[] {
  if (event.type !== 'PasswordLinkIssued') return [];
  const data: PasswordMailJob = {
    tokenId: (event.data as PasswordLinkIssued['data']).tokenId,
    eventPosition: event.globalPosition,
  };
  return [
    { queue: QUEUES.mail, name: JOBS.passwordMail, data, jobId: `password-mail-${event.globalPosition}` },
  ];
}
