import { createHash } from 'node:crypto';
import { OutboxJob, QUEUES } from './queues.js';

export const CHASING_JOBS = {
  /** Run by the one Job Scheduler: finds what is due in the return-status read model and enqueues it. */
  scan: 'chase-scan',
  /** Records that an agency is chased at a step (and who gets the mail); the mails follow from the event. */
  chaseAgency: 'chase-agency',
  /** The same for the agencies of one cycle whose scheduled step the scan found due, in one job. */
  chaseAgencies: 'chase-agencies',
  /** One chase mail to one recipient. */
  chaseMail: 'chase-mail',
  /** Chase mails of one cycle that the relay found in one batch of events, sent by one job (see chaseMailsJobs). */
  chaseMails: 'chase-mails',
  /** One coordinator's one mail of an escalation step of a cycle, listing every agency escalated at it. */
  escalationMail: 'escalation-mail',
  /** The agency's leads hear at once that a return was sent back, and why. */
  sentBackMail: 'sent-back-mail',
  /** The theme's reviewers who chose "at once" hear that a return was submitted. */
  submittedMail: 'submitted-mail',
  /** Everyone's digest of a partnership's window, once it has closed: enqueued by the chase scan. */
  digestMail: 'digest-mail',
  /** The other side of a return's thread hears of a message posted on it. */
  messageMail: 'message-mail',
} as const;

/** The id of the one Job Scheduler that scans for due chases. */
export const CHASE_SCHEDULER_ID = 'chase-scan';

export interface ChaseAgencyJob {
  cycleId: string;
  agencyId: string;
  step: string;
  kind: string;
}

/** Ids only, like ChaseAgencyJob: one cycle's agencies, each with the step due. */
export interface ChaseAgenciesJob {
  cycleId: string;
  chases: { agencyId: string; step: string; kind: string }[];
}

/** Ids and an address only: what the mail says is re-read from the events when it is sent. */
export interface ChaseMailJob {
  cycleId: string;
  agencyId: string;
  step: string;
  recipient: string;
}

/**
 * Several chase mails of one cycle, each with the id of its own chase-mail job: that id is its row of owed_mails
 * (settled mail by mail) and what reconciliation puts back on the queue if this job is lost.
 */
export interface ChaseMailsJob {
  cycleId: string;
  mails: (Omit<ChaseMailJob, 'cycleId'> & { jobId: string })[];
}

/**
 * Ids and an address only, like ChaseMailJob, but not an agency: a coordinator hears of a step's escalations in one
 * mail, whichever agencies' chases owe it (each AgencyChased of the step owes the same job).
 */
export interface EscalationMailJob {
  cycleId: string;
  step: string;
  recipient: string;
}

export interface ReturnNoticeJob {
  returnId: string;
  /** The version of the ReturnSentBack or ReturnSubmitted event in the return's stream. */
  version: number;
  eventPosition: number;
}

/** Ids and instants only: what a digest lists is re-read from the events of its window when it is sent. */
export interface DigestMailJob {
  partnershipId: string;
  /** The window, ISO instants: from start, up to but not including end. */
  windowStart: string;
  windowEnd: string;
}

export interface MessageNoticeJob {
  returnId: string;
  /** The version of the ReturnMessagePosted event in the return's conversation stream. */
  version: number;
  eventPosition: number;
}

// BullMQ job ids may not contain ":"; cycle and agency ids never contain "." or ":".
const short = (text: string) => createHash('sha256').update(text.toLowerCase()).digest('hex').slice(0, 16);

export function chaseAgencyJob(data: ChaseAgencyJob): OutboxJob {
  return {
    queue: QUEUES.chasing,
    name: CHASING_JOBS.chaseAgency,
    data,
    jobId: `chase.${data.cycleId}.${data.agencyId}.${data.step}`,
  };
}

/**
 * A cycle's due agencies in one job: one read of the cycle and one commit for all of them instead of a job, a
 * read and a commit each. The id is derived from the chases it holds, so a scan that finds the same ones again
 * adds nothing, and one that finds others (some recorded meanwhile) adds a job that skips what is recorded.
 */
export function chaseAgenciesJob(data: ChaseAgenciesJob): OutboxJob {
  const chases = data.chases.map((c) => `${c.agencyId}@${c.step}`).sort();
  return {
    queue: QUEUES.chasing,
    name: CHASING_JOBS.chaseAgencies,
    data,
    jobId: `chase-agencies.${data.cycleId}.${data.chases.length}.${short(chases.join(','))}`,
  };
}

export function chaseMailJob(data: ChaseMailJob): OutboxJob {
  return {
    queue: QUEUES.mail,
    name: CHASING_JOBS.chaseMail,
    data,
    jobId: `chase-mail.${data.cycleId}.${data.agencyId}.${data.step}.${short(data.recipient)}`,
  };
}

/**
 * One id per cycle, step and coordinator: the 40 agencies escalated at a step owe one job, not 40. The scan, which
 * finds the agencies whose coordinator's row is still unsent, adds them to the id (`unsent`): an agency escalated
 * after the step's job ran then owes a job of its own, which sends the follow-up, where the step's id would be a
 * job BullMQ has completed and keeps, so adding it again would do nothing.
 */
export function escalationMailJob(data: EscalationMailJob, unsent?: readonly string[]): OutboxJob {
  const base = `escalation-mail.${data.cycleId}.${data.step}.${short(data.recipient)}`;
  return {
    queue: QUEUES.mail,
    name: CHASING_JOBS.escalationMail,
    data,
    jobId: unsent ? `${base}.${short([...unsent].sort().join(','))}` : base,
  };
}

/**
 * Most mails one chase-mails job sends: enough that a batch's reads and writes are each one round trip for many
 * mails, few enough that a job's time stays well inside its lock and a retry repeats little.
 */
export const CHASE_MAILS_PER_JOB = 100;

/**
 * The relay's jobs with its chase-mail jobs gathered by cycle into chase-mails jobs of at most `perJob` mails.
 * One job per mail costs a BullMQ round trip and a job's reads and writes for each mail; a batch reads its
 * streams, claims, records and settles together. The id is derived from the mails it holds, so a relay batch
 * replayed holds the same job; a replay that cuts the events elsewhere makes jobs that overlap, which the mail
 * ledger makes harmless (each mail is sent once whoever holds it).
 */
export function chaseMailsJobs(jobs: readonly OutboxJob[], perJob = CHASE_MAILS_PER_JOB): OutboxJob[] {
  const others: OutboxJob[] = [];
  const byCycle = new Map<string, ChaseMailsJob['mails']>();
  for (const j of jobs) {
    if (j.name !== CHASING_JOBS.chaseMail || perJob <= 1) {
      others.push(j);
      continue;
    }
    const { cycleId, ...mail } = j.data as ChaseMailJob;
    const mails = byCycle.get(cycleId) ?? [];
    mails.push({ ...mail, jobId: j.jobId });
    byCycle.set(cycleId, mails);
  }
  const batches: OutboxJob[] = [];
  for (const [cycleId, mails] of byCycle) {
    for (let i = 0; i < mails.length; i += perJob) {
      const chunk = mails.slice(i, i + perJob);
      const data: ChaseMailsJob = { cycleId, mails: chunk };
      batches.push({
        queue: QUEUES.mail,
        name: CHASING_JOBS.chaseMails,
        data,
        jobId: `chase-mails.${cycleId}.${chunk.length}.${short(chunk.map((m) => m.jobId).join(','))}`,
      });
    }
  }
  return [...others, ...batches];
}

/** One job per partnership and window, whoever finds it owed and however often: its id says which. */
export function digestMailJob(data: DigestMailJob): OutboxJob {
  const start = new Date(data.windowStart).getTime();
  const end = new Date(data.windowEnd).getTime();
  return {
    queue: QUEUES.mail,
    name: CHASING_JOBS.digestMail,
    data,
    jobId: `digest.${data.partnershipId}.${start}.${end}`,
  };
}
