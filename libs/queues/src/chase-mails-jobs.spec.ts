import { chaseMailJob, chaseMailsJobs, ChaseMailsJob, CHASING_JOBS } from './chasing-jobs.js';
import { OutboxJob, QUEUES } from './queues.js';

const mail = (cycleId: string, n: number) =>
  chaseMailJob({ cycleId, agencyId: `agency-${n}`, step: '2026-11-23', recipient: `lead-${n}@x.org` });
const other: OutboxJob = { queue: QUEUES.mail, name: CHASING_JOBS.messageMail, data: {}, jobId: 'message-1' };

describe('chaseMailsJobs', () => {
  it('gathers the chase mails of a relay batch by cycle, each mail keeping its own job id', () => {
    const jobs = [mail('c1', 1), other, mail('c2', 2), mail('c1', 3)];
    const gathered = chaseMailsJobs(jobs);
    expect(gathered[0]).toBe(other);
    expect(gathered.slice(1).map((j) => j.name)).toEqual([CHASING_JOBS.chaseMails, CHASING_JOBS.chaseMails]);
    const [c1, c2] = gathered.slice(1).map((j) => j.data as ChaseMailsJob);
    expect(c1).toEqual({
      cycleId: 'c1',
      mails: [
        { agencyId: 'agency-1', step: '2026-11-23', recipient: 'lead-1@x.org', jobId: jobs[0].jobId },
        { agencyId: 'agency-3', step: '2026-11-23', recipient: 'lead-3@x.org', jobId: jobs[3].jobId },
      ],
    });
    expect(c2.mails.map((m) => m.jobId)).toEqual([jobs[2].jobId]);
  });

  it('holds at most so many mails a job, with ids that are the same for the same mails and differ otherwise', () => {
    const jobs = Array.from({ length: 5 }, (_, n) => mail('c1', n));
    const gathered = chaseMailsJobs(jobs, 2);
    expect(gathered.map((j) => (j.data as ChaseMailsJob).mails.length)).toEqual([2, 2, 1]);
    expect(chaseMailsJobs(jobs, 2).map((j) => j.jobId)).toEqual(gathered.map((j) => j.jobId));
    expect(new Set(gathered.map((j) => j.jobId)).size).toBe(3);
    expect(chaseMailsJobs(jobs.slice(1), 2)[0].jobId).not.toBe(gathered[0].jobId);
  });

  it('leaves the jobs alone when a job may hold one mail', () => {
    const jobs = [mail('c1', 1), mail('c1', 2)];
    expect(chaseMailsJobs(jobs, 1)).toEqual(jobs);
  });
});
