import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject } from '@nestjs/common';
import { DelayedError, Job, UnrecoverableError } from 'bullmq';
import { SendChaseMail } from '../../../libs/chasing/src/chase-mail/send-chase-mail.js';
import { SendReturnNotice } from '../../../libs/chasing/src/notices/send-return-notice.js';
import { linkToken } from '../../../libs/auth/src/secrets.js';
import { APP_CONFIG, AppConfig } from '../../../libs/config/src/index.js';
import { MailSender } from '../../../libs/mail/src/index.js';
import { returnsRequestedMail } from '../../../libs/mail/src/templates/returns-requested.js';
import { PlanRepository } from '../../../libs/plan/src/plan.repository.js';
import {
  ChaseMailJob,
  CHASING_JOBS,
  QUEUES,
  ReturnNoticeJob,
  SubmissionLinkMailJob,
} from '../../../libs/queues/src/index.js';
import { Clock } from '../../../libs/config/src/index.js';
import { CycleRepository } from '../../../libs/returns/src/cycle/cycle.repository.js';

/**
 * Every mail: submission links, chases and review notices. Everything it says is re-read from the events, so
 * the job carries ids only. Registered through mailProcessorFor(config), which adds the send rate.
 */
@Processor(QUEUES.mail, { concurrency: 4 })
export class MailProcessor extends WorkerHost {
  constructor(
    @Inject(MailSender) private readonly mail: MailSender,
    @Inject(CycleRepository) private readonly cycles: CycleRepository,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SendChaseMail) private readonly chaseMail: SendChaseMail,
    @Inject(SendReturnNotice) private readonly notice: SendReturnNotice,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    super();
  }

  async process(job: Job, token?: string): Promise<unknown> {
    // Whether a temporary failure now is retried: the ledger records it as "will retry" or as the last word.
    const willRetry = job.attemptsMade + 1 < (job.opts.attempts ?? 1);
    switch (job.name) {
      case CHASING_JOBS.chaseMail: {
        const result = await this.chaseMail.execute(job.data as ChaseMailJob, willRetry);
        if (result.outcome === 'deferred' || result.outcome === 'in-progress') {
          // Outside the send window, or another attempt holds the claim: come back then, without using an attempt.
          const wait =
            result.outcome === 'deferred'
              ? result.until.getTime() - this.clock.now().getTime()
              : result.until.getTime() - Date.now();
          await job.moveToDelayed(Date.now() + Math.max(wait, 0) + 50, token);
          throw new DelayedError();
        }
        return result;
      }
      case CHASING_JOBS.sentBackMail:
      case CHASING_JOBS.submittedMail:
        return this.notice.execute(job.data as ReturnNoticeJob, willRetry);
      default:
        return this.sendLinkMail(job as Job<SubmissionLinkMailJob>);
    }
  }

  private async sendLinkMail(job: Job<SubmissionLinkMailJob>): Promise<{ sent: string | null }> {
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

/**
 * The mail processor with the configured send rate (a BullMQ limiter is global to the queue, so it holds across
 * every worker), concurrency (per worker process) and job lock: a worker that dies holding a job lets it go after
 * the lock runs out.
 */
export function mailProcessorFor(config: AppConfig): typeof MailProcessor {
  @Processor(QUEUES.mail, {
    concurrency: config.mail.concurrency,
    limiter: { max: config.mail.ratePerMinute, duration: 60_000 },
    lockDuration: config.mail.jobLockMs,
    stalledInterval: Math.max(250, Math.floor(config.mail.jobLockMs / 2)),
  })
  class RateLimitedMailProcessor extends MailProcessor {}
  return RateLimitedMailProcessor;
}
