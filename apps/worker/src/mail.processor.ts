import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { Job, UnrecoverableError } from 'bullmq';
import { linkToken } from '../../../libs/auth/src/secrets.js';
import { APP_CONFIG, AppConfig } from '../../../libs/config/src/index.js';
import { MailSender } from '../../../libs/mail/src/index.js';
import { returnsRequestedMail } from '../../../libs/mail/src/templates/returns-requested.js';
import { PlanRepository } from '../../../libs/plan/src/plan.repository.js';
import { QUEUES, SubmissionLinkMailJob } from '../../../libs/queues/src/index.js';
import { CycleRepository } from '../../../libs/returns/src/cycle/cycle.repository.js';

/** Mail to agency leads. Everything it says is re-read from the events, so the job carries ids only. */
@Processor(QUEUES.mail, { concurrency: 4 })
export class MailProcessor extends WorkerHost {
  constructor(
    @Inject(MailSender) private readonly mail: MailSender,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async process(job: Job<SubmissionLinkMailJob>): Promise<{ sent: string | null }> {
    const { state: cycle } = await this.cycles.load(job.data.cycleId);
    if (cycle.status === 'none' || cycle.status === 'drafted') throw new UnrecoverableError('cycle not open');
    const link = cycle.links[job.data.linkId];
    // A link revoked before its mail went out, or a cycle already closed: the mail would only mislead.
    if (!link || link.revoked || cycle.status !== 'open') return { sent: null };
    const [partnership, plan] = await Promise.all([
      this.plans.partnership(cycle.partnershipId),
      this.plans.plan(cycle.partnershipId, cycle.planId),
    ]);
    const agency = partnership.status === 'registered' ? partnership.agencies.get(link.agencyId) : undefined;
    if (!agency || plan.status === 'none') throw new UnrecoverableError(`agency ${link.agencyId} not found`);
    const contact = agency.contacts.get(link.contactEmail);
    const measures = cycle.returns
      .filter((r) => r.agencyId === agency.id)
      .map((r) => ({ ref: r.measureRef, text: plan.measures.get(r.measureRef)?.text ?? '' }));
    const { messageId } = await this.mail.send(
      returnsRequestedMail({
        to: link.contactEmail,
        contactName: contact?.name ?? link.contactEmail,
        agencyName: agency.name,
        partnershipName: partnership.status === 'registered' ? partnership.name : '',
        cycleLabel: cycle.label,
        dueDate: cycle.dueDate,
        measures,
        link: `${this.config.publicBaseUrl}/l/${linkToken(this.config.tokenPepper, link.linkId)}`,
      }),
    );
    return { sent: messageId };
  }
}
