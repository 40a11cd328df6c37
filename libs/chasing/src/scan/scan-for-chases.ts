import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  ChaseAgenciesJob,
  chaseAgenciesJob,
  chaseAgencyJob,
  EscalationMailJob,
  escalationMailJob,
  OutboxJob,
} from '../../../queues/src/index.js';
import { WORKING_CALENDAR } from '../calendar/calendar.provider.js';
import { chaseMailJobFor } from '../chase-mail/chase-mail-job.js';
import { isInSendWindow, localTime } from '../calendar/send-window.js';
import { WorkingCalendar } from '../calendar/working-days.js';
import { ChasePolicy } from '../../../kernel/src/index.js';
import { dueChase, OutstandingReturn } from '../schedule/chase-schedule.js';

/**
 * Most agencies one chase job records: enough that a cycle's scheduled chases are a handful of jobs, few enough
 * that one job's transaction (an append per agency) stays short.
 */
export const AGENCIES_PER_CHASE_JOB = 100;

interface AgencyRow {
  cycle_id: string;
  agency_id: string;
  policy: ChasePolicy;
  opened_at: Date;
  outstanding: OutstandingReturn[];
  chased_steps: string[];
}

/**
 * What the chase scheduler enqueues on each scan, read from the return-status read model: each agency's due
 * step not yet recorded (a cycle's agencies together, AGENCIES_PER_CHASE_JOB to a job), chases the coordinator asked for, and mails recorded but not yet sent (their jobs may
 * have been lost with Redis). Every job id is derived from what it is for, so enqueueing it again is harmless.
 */
@Injectable()
export class ScanForChases {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(WORKING_CALENDAR) private readonly calendar: WorkingCalendar,
  ) {}

  async execute(now: Date): Promise<OutboxJob[]> {
    const agencies: AgencyRow[] = await this.dataSource.query(
      `SELECT c.cycle_id, r.agency_id, c.policy, c.opened_at,
              json_agg(json_build_object('returnId', r.return_id, 'dueDate', r.due_date) ORDER BY r.return_id)
                AS outstanding,
              coalesce((SELECT array_agg(s.step) FROM chase_steps s
                        WHERE s.cycle_id = c.cycle_id AND s.agency_id = r.agency_id), '{}') AS chased_steps
       FROM chase_cycles c JOIN return_status r ON r.cycle_id = c.cycle_id
       WHERE c.status = 'open' AND r.status IN ('requested', 'draft')
       GROUP BY c.cycle_id, r.agency_id, c.policy, c.opened_at`,
    );
    const jobs: OutboxJob[] = [];
    const dueByCycle = new Map<string, ChaseAgenciesJob['chases']>();
    for (const a of agencies) {
      if (!isInSendWindow(now, a.policy.sendWindow, this.calendar)) continue;
      const tz = a.policy.sendWindow.timeZone;
      const due = dueChase(
        a.policy,
        this.calendar,
        localTime(now, tz).date,
        localTime(new Date(a.opened_at), tz).date,
        a.outstanding,
      );
      if (due && !a.chased_steps.includes(due.date)) {
        const chases = dueByCycle.get(a.cycle_id) ?? [];
        chases.push({ agencyId: a.agency_id, step: due.date, kind: due.kind });
        dueByCycle.set(a.cycle_id, chases);
      }
    }
    for (const [cycleId, chases] of dueByCycle) {
      for (let i = 0; i < chases.length; i += AGENCIES_PER_CHASE_JOB) {
        jobs.push(chaseAgenciesJob({ cycleId, chases: chases.slice(i, i + AGENCIES_PER_CHASE_JOB) }));
      }
    }
    const requested: { cycle_id: string; agency_id: string; step: string }[] = await this.dataSource.query(
      `SELECT s.cycle_id, s.agency_id, s.step FROM chase_steps s JOIN chase_cycles c USING (cycle_id)
       WHERE s.state = 'requested' AND c.status = 'open'`,
    );
    for (const r of requested) {
      jobs.push(chaseAgencyJob({ cycleId: r.cycle_id, agencyId: r.agency_id, step: r.step, kind: 'now' }));
    }
    const unsent: { cycle_id: string; agency_id: string; step: string; recipient: string; role: string }[] =
      await this.dataSource.query(
        `SELECT m.cycle_id, m.agency_id, m.step, m.recipient, m.role FROM chase_mails m JOIN chase_cycles c USING (cycle_id)
         WHERE m.state IN ('pending', 'claimed', 'retrying') AND c.status = 'open'`,
      );
    // A coordinator's mail is one per step, whichever of the step's agencies still show it unsent; those agencies
    // are in its id, so one escalated after the step's mail went owes a job BullMQ has not seen (a follow-up).
    const escalations = new Map<string, { job: EscalationMailJob; agencies: string[] }>();
    for (const m of unsent) {
      if (m.role === 'coordinator') {
        const job = { cycleId: m.cycle_id, step: m.step, recipient: m.recipient };
        const id = JSON.stringify([m.cycle_id, m.step, m.recipient.toLowerCase()]);
        const entry = escalations.get(id) ?? { job, agencies: [] };
        entry.agencies.push(m.agency_id);
        escalations.set(id, entry);
        continue;
      }
      jobs.push(
        chaseMailJobFor(
          { cycleId: m.cycle_id, agencyId: m.agency_id, step: m.step },
          { email: m.recipient, role: m.role },
        ),
      );
    }
    for (const { job, agencies } of escalations.values()) jobs.push(escalationMailJob(job, agencies));
    return jobs;
  }
}
