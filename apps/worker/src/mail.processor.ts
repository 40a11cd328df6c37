import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { SendLinkMail, SendPasswordMail } from '../../../libs/auth/src/index.js';
import {
  SendChaseMail,
  SendDigests,
  SendEscalationMail,
  SendMessageNotice,
  SendReturnNotice,
} from '../../../libs/chasing/src/index.js';
import { APP_CONFIG, AppConfig } from '../../../libs/config/src/index.js';
import { JobFailures } from './job-failures.js';
import { jobLock } from './job-lock.js';
import { Clock } from '../../../libs/kernel/src/index.js';
import { OwedMails, TemporaryDeliveryError } from '../../../libs/mail/src/index.js';
import {
  ChaseMailJob,
  ChaseMailsJob,
  CHASING_JOBS,
  DigestMailJob,
  EscalationMailJob,
  JOBS,
  MessageNoticeJob,
  PasswordMailJob,
  QUEUES,
  ReturnNoticeJob,
  SubmissionLinkMailJob,
} from '../../../libs/queues/src/index.js';

/** What a mail job came to: its result, or an instant (machine time) to look again at. */
type Ran = { result: object; retryAt?: undefined } | { result?: undefined; retryAt: number };

/**
 * Every mail: submission links, set-password links (invitations, resets), chases, review notices, digests and
 * messages on returns, each through the mail ledger (libs/mail). Everything it says is re-read from the events (a
 * set-password link's from its token's row), so the job carries ids only. A job that reaches an outcome settles
 * its row of owed_mails, so reconciliation stops re-enqueueing it. Registered through mailProcessorFor(config),
 * which adds the send rate.
 */
@Processor(QUEUES.mail, { concurrency: 4 })
export class MailProcessor extends WorkerHost {
  private readonly failures = new JobFailures(new Logger('Mail'));

  constructor(
    @Inject(SendLinkMail) private readonly linkMail: SendLinkMail,
    @Inject(SendPasswordMail) private readonly passwordMail: SendPasswordMail,
    @Inject(SendChaseMail) private readonly chaseMail: SendChaseMail,
    @Inject(SendEscalationMail) private readonly escalationMail: SendEscalationMail,
    @Inject(SendReturnNotice) private readonly notice: SendReturnNotice,
    @Inject(SendDigests) private readonly digests: SendDigests,
    @Inject(SendMessageNotice) private readonly messageNotice: SendMessageNotice,
    @Inject(OwedMails) private readonly owed: OwedMails,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  async process(job: Job, token?: string): Promise<unknown> {
    // Whether a temporary failure now is retried: the ledger records it as "will retry" or as the last word.
    const willRetry = job.attemptsMade + 1 < (job.opts.attempts ?? 1) || (await this.stillYoung(job));
    let ran: Ran;
    try {
      ran = await this.run(job, willRetry);
    } catch (error) {
      // Failed for good and recorded so: nothing more is owed. Any other error (PostgreSQL away, say) leaves the
      // mail owed, and reconciliation tries its job again even after BullMQ has given up on it.
      const name = (error as Error).name;
      if (name === 'UnrecoverableError' || (error instanceof TemporaryDeliveryError && !willRetry))
        await this.settle(job, `failed: ${(error as Error).message}`);
      this.failures.note(job, error);
      throw error;
    }
    if (ran.retryAt !== undefined) {
      // Outside the send window, or another sender holds the mail: come back then, without using an attempt.
      await job.moveToDelayed(Math.max(ran.retryAt, Date.now()) + 50, token);
      throw new DelayedError();
    }
    // A chase-mails job has no row of its own: its mails' rows were settled as each reached its outcome.
    if (job.name !== CHASING_JOBS.chaseMails) await this.settle(job, JSON.stringify(ran.result));
    return ran.result;
  }

  private async run(job: Job, willRetry: boolean): Promise<Ran> {
    switch (job.name) {
      case CHASING_JOBS.chaseMail: {
        const result = await this.chaseMail.execute(job.data as ChaseMailJob, willRetry);
        if (result.outcome === 'deferred')
          // The send window is on the business clock; the delay runs on the machine's.
          return { retryAt: Date.now() + result.until.getTime() - this.clock.now().getTime() };
        if (result.outcome === 'in-progress') return { retryAt: result.until.getTime() };
        return { result };
      }
      case CHASING_JOBS.chaseMails:
        return this.chaseMails(job as Job<ChaseMailsJob>, willRetry);
      case CHASING_JOBS.escalationMail: {
        const result = await this.escalationMail.execute(job.data as EscalationMailJob, willRetry);
        if (result.outcome === 'deferred')
          return { retryAt: Date.now() + result.until.getTime() - this.clock.now().getTime() };
        if (result.outcome === 'in-progress') return { retryAt: result.until.getTime() };
        return { result };
      }
      case CHASING_JOBS.sentBackMail:
      case CHASING_JOBS.submittedMail: {
        const { waitUntil, ...result } = await this.notice.execute(job.data as ReturnNoticeJob, willRetry);
        return waitUntil ? { retryAt: waitUntil.getTime() } : { result };
      }
      case CHASING_JOBS.digestMail: {
        const { waitUntil, ...result } = await this.digests.forWindow(job.data as DigestMailJob, willRetry);
        return waitUntil ? { retryAt: waitUntil.getTime() } : { result };
      }
      case CHASING_JOBS.messageMail: {
        const { waitUntil, ...result } = await this.messageNotice.execute(
          job.data as MessageNoticeJob,
          willRetry,
        );
        return waitUntil ? { retryAt: waitUntil.getTime() } : { result };
      }
      case JOBS.submissionLinkMail: {
        const result = await this.linkMail.execute(job.data as SubmissionLinkMailJob, willRetry);
        return result.outcome === 'in-progress' ? { retryAt: result.until.getTime() } : { result };
      }
      case JOBS.passwordMail: {
        const result = await this.passwordMail.execute(job.data as PasswordMailJob, willRetry);
        return result.outcome === 'in-progress' ? { retryAt: result.until.getTime() } : { result };
      }
      default:
        throw new Error(`unknown mail job ${job.name}`);
    }
  }

  /**
   * A batch of chase mails. Each mail that reached an outcome (sent, already settled, not due, failed for good)
   * has its own owed_mails row settled at once, so reconciliation never puts it back. Then, like a single mail's
   * job: a temporary failure throws (BullMQ retries the batch with backoff, and the mails already sent are found
   * sent); a mail held elsewhere or outside its send window brings the job back then. The rate limiter counts
   * this job once; the queue is held back for the rest of its mails (Worker.rateLimit), so the send rate holds.
   */
  private async chaseMails(job: Job<ChaseMailsJob>, willRetry: boolean): Promise<Ran> {
    const started = Date.now();
    const outcomes = await this.chaseMail.executeMany(job.data, willRetry);
    const settled: { jobId: string; outcome: string }[] = [];
    const tally: Record<string, number> = {};
    let retryAt: number | undefined;
    let temporary: string | null = null;
    const later = (at: number) => (retryAt = Math.min(retryAt ?? at, at));
    outcomes.forEach((o, i) => {
      const { jobId } = job.data.mails[i];
      tally[o.outcome] = (tally[o.outcome] ?? 0) + 1;
      if (o.outcome === 'deferred') later(Date.now() + o.until.getTime() - this.clock.now().getTime());
      else if (o.outcome === 'in-progress') later(o.until.getTime());
      else if (o.outcome === 'failed' && o.willRetry) temporary = o.reason;
      else
        settled.push({ jobId, outcome: o.outcome === 'failed' ? `failed: ${o.reason}` : JSON.stringify(o) });
    });
    await this.owed.settleMany(settled);
    const sent = tally.sent ?? 0;
    const owedMs = ((sent - 1) * 60_000) / this.config.mail.ratePerMinute - (Date.now() - started);
    if (sent > 1 && owedMs >= 1) await this.worker.rateLimit(Math.ceil(owedMs));
    if (temporary) throw new TemporaryDeliveryError(`temporary failure: ${temporary}`);
    return retryAt !== undefined ? { retryAt } : { result: { outcomes: tally } };
  }

  /**
   * A run's last try is not the last word on a mail owed for less than MAIL_GIVE_UP_AFTER_MS: a temporary failure
   * then leaves it owed, and reconciliation gives its job a fresh run of tries. Without this an SMTP server away
   * for longer than the tries' backoff (about an hour with the defaults) lost every mail owed meanwhile: each was
   * recorded as failed for good and never sent when the server was back (an operator's probe).
   */
  private stillYoung(job: Job): Promise<boolean> {
    const ids =
      job.name === CHASING_JOBS.chaseMails
        ? (job.data as ChaseMailsJob).mails.map((m) => m.jobId)
        : job.id
          ? [job.id]
          : [];
    return this.owed.owedWithin(ids, this.config.mail.giveUpAfterMs);
  }

  private async settle(job: Job, outcome: string): Promise<void> {
    if (job.id) await this.owed.settle(job.id, outcome);
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
    ...jobLock(config),
  })
  class RateLimitedMailProcessor extends MailProcessor {}
  return RateLimitedMailProcessor;
}
