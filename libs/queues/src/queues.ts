/** Queue names and job names: strings stored in Redis, so they never come from class names. */
export const QUEUES = {
  reporting: 'reporting',
  mail: 'mail',
  /** The chase scheduler's scans and the recording of each chase (issue 4). */
  chasing: 'chasing',
} as const;

/** A job an event causes, as the outbox relay enqueues it. */
export interface OutboxJob {
  queue: (typeof QUEUES)[keyof typeof QUEUES];
  name: string;
  data: object;
  /** Derived from the event, so a redelivered batch enqueues the same job id and BullMQ drops the copy. */
  jobId: string;
}

export const JOBS = {
  /** The mail that carries a submission link: sent when the link is issued (cycle opened, or reissued). */
  submissionLinkMail: 'submission-link-mail',
  /** The mail that carries a set-password link (an invitation or a reset): owed by PasswordLinkIssued. */
  passwordMail: 'password-mail',
} as const;

/** Ids only: the worker re-derives the token from the link id and its own secret, so no job holds a token. */
export interface SubmissionLinkMailJob {
  cycleId: string;
  linkId: string;
  eventPosition: number;
}

/** Ids only, as for a submission link: the worker re-derives the set-password token from its id and the pepper. */
export interface PasswordMailJob {
  tokenId: string;
  eventPosition: number;
}
