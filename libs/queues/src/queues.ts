/** Queue names and job names: strings stored in Redis, so they never come from class names. */
export const QUEUES = {
  reporting: 'reporting',
  mail: 'mail',
} as const;

export const JOBS = {
  projectApprovedReturn: 'project-approved-return',
  returnsRequestedMail: 'returns-requested-mail',
} as const;

export interface ProjectApprovedReturnJob {
  returnId: string;
  eventPosition: number;
}

export interface ReturnsRequestedMailJob {
  cycleId: string;
  agencyId: string;
  eventPosition: number;
}
