import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { MailSender } from '../../../libs/mail/src/index.js';
import { returnsRequestedMail } from '../../../libs/mail/src/templates/returns-requested.js';
import { PlanRepository } from '../../../libs/plan/src/plan.repository.js';
import { QUEUES, ReturnsRequestedMailJob } from '../../../libs/queues/src/index.js';
import { CycleRepository } from '../../../libs/returns/src/cycle/cycle.repository.js';

/** Mail to agency leads. Everything it says is re-read from the events, so the job carries ids only. */
@Processor(QUEUES.mail, { concurrency: 4 })
export class MailProcessor extends WorkerHost {
  constructor(
    @Inject(MailSender) private readonly mail: MailSender,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
  ) {
    super();
  }

  async process(job: Job<ReturnsRequestedMailJob>): Promise<{ sent: string[] }> {
    const { state: cycle } = await this.cycles.load(job.data.cycleId);
    if (cycle.status === 'none' || cycle.status === 'drafted') throw new UnrecoverableError('cycle not open');
    const [partnership, plan] = await Promise.all([
      this.plans.partnership(cycle.partnershipId),
      this.plans.plan(cycle.partnershipId, cycle.planId),
    ]);
    const agency =
      partnership.status === 'registered' ? partnership.agencies.get(job.data.agencyId) : undefined;
    if (!agency || plan.status === 'none')
      throw new UnrecoverableError(`agency ${job.data.agencyId} not found`);
    const measures = cycle.returns
      .filter((r) => r.agencyId === agency.id)
      .map((r) => ({ ref: r.measureRef, text: plan.measures.get(r.measureRef)?.text ?? '' }));
    const sent: string[] = [];
    for (const contact of agency.contacts.values()) {
      if (contact.role !== 'lead') continue;
      const { messageId } = await this.mail.send(
        returnsRequestedMail({
          to: contact.email,
          contactName: contact.name,
          agencyName: agency.name,
          partnershipName: partnership.status === 'registered' ? partnership.name : '',
          cycleLabel: cycle.label,
          dueDate: cycle.dueDate,
          measures,
        }),
      );
      sent.push(messageId);
    }
    return { sent };
  }
}
