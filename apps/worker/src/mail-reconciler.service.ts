import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../../libs/config/src/index.js';
import { MailLeases, OwedMails } from '../../../libs/mail/src/index.js';
import { QUEUES } from '../../../libs/queues/src/index.js';
import { PeriodicJob } from './periodic-run.js';

const PAGE = 1_000;
/** A lease this long lapsed belongs to a sender long dead, and its mail has been taken over or settled. */
const STALE_LEASE_MS = 24 * 3600_000;

/**
 * Redis is never the only record of a mail owed: at start and every MAIL_RECONCILE_EVERY_MS each worker puts the
 * job of every mail still owed (owed_mails, unsettled) back on the mail queue. Job ids are the relay's, so a job
 * still in Redis is not doubled; a job BullMQ gave up on without an outcome is retried. What a job finds already
 * sent it does not send again (the ledger), so reconciling more often than needed costs only Redis calls.
 */
@Injectable()
export class MailReconciler extends PeriodicJob {
  constructor(
    @InjectQueue(QUEUES.mail) private readonly mail: Queue,
    @Inject(OwedMails) private readonly owed: OwedMails,
    @Inject(MailLeases) private readonly leases: MailLeases,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    super('MailReconciler', {
      everyMs: config.mail.reconcileEveryMs,
      atStart: true,
      failed: 'mail not reconciled',
      // A run waiting on a Redis that is away must not hold the shutdown: what it has not queued stays owed.
      stopWaitsAtMostMs: 2_000,
    });
  }

  /** Reconciles now, unless a reconciliation is already running (Redis came back empty, say). */
  soon(): void {
    this.runNow();
  }

  protected async runOnce(): Promise<void> {
    const { owed, retried, requeued, cleared } = await this.reconcile();
    if (owed > 0 || cleared > 0)
      this.logger.debug(
        `${owed} mail jobs owed re-enqueued, ${retried} failed ones retried, ${requeued} completed ones queued again, ${cleared} failed ones whose mail went cleared`,
      );
  }

  /**
   * Enqueues every unsettled mail job; how many there were, how many failed jobs it retried and how many
   * completed ones it queued again.
   */
  async reconcile(): Promise<{ owed: number; retried: number; requeued: number; cleared: number }> {
    const unsettled = new Set<string>();
    let requeued = 0;
    for (let after = ''; ;) {
      const page = await this.owed.unsettled(after, PAGE);
      if (page.length === 0) break;
      const jobs = page.map((j) => ({ name: j.name, data: j.data, opts: { jobId: j.jobId } }));
      await this.mail.addBulk(jobs);
      requeued += await this.requeueCompleted(jobs);
      for (const j of page) unsettled.add(j.jobId);
      after = page[page.length - 1].jobId;
    }
    let retried = 0;
    const failedIds: string[] = [];
    for (let start = 0; ; start += PAGE) {
      const jobs = await this.mail.getFailed(start, start + PAGE - 1);
      if (jobs.length === 0) break;
      for (const job of jobs) if (job?.id) failedIds.push(job.id);
    }
    if (unsettled.size > 0) {
      const failed = failedIds.filter((id) => unsettled.has(id));
      for (const id of failed) {
        const job = await this.mail.getJob(id);
        if (job && (await job.isFailed())) {
          // A fresh budget of attempts: this run is not the last word on a temporary SMTP failure.
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          retried += 1;
        }
      }
    }
    const cleared = await this.clearFalseFailures(failedIds);
    await this.leases.prune(STALE_LEASE_MS);
    return { owed: unsettled.size, retried, requeued, cleared };
  }

  /**
   * A job BullMQ marked failed although its mail went (its worker was killed or stalled after the send, and the
   * job's lock ran out) is no failure: the ledger says sent. It is removed, so that the count of failed jobs, and
   * the alert on it, tell only of mail that did fail; BullMQ would keep it for a month. A mail that failed for
   * good keeps its failed job.
   */
  private async clearFalseFailures(failedIds: readonly string[]): Promise<number> {
    let cleared = 0;
    for (const id of await this.owed.settledWell(failedIds)) {
      const job = await this.mail.getJob(id);
      if (job && (await job.isFailed())) {
        await job.remove();
        cleared += 1;
      }
    }
    return cleared;
  }

  /**
   * A job settles its row before BullMQ marks it completed, so a completed job whose row is unsettled was owed
   * again after it ran (a parked relay event retried by hand records its mails anew). BullMQ keeps completed ids
   * for a week and adding one is then a no-op, so such a mail would stay owed and never go: it is removed and
   * queued again. If it was sent after all, the ledger says so and nothing goes twice.
   */
  private async requeueCompleted(
    jobs: readonly { name: string; data: unknown; opts: { jobId: string } }[],
  ): Promise<number> {
    const states = await Promise.all(jobs.map((j) => this.mail.getJobState(j.opts.jobId)));
    const completed = jobs.filter((_, i) => states[i] === 'completed').map((j) => j.opts.jobId);
    if (completed.length === 0) return 0;
    // Settled meanwhile (the job's own run, read in between): nothing owed.
    const owed = await this.owed.stillOwed(completed);
    const again = jobs.filter((j) => owed.has(j.opts.jobId));
    for (const j of again) await this.mail.remove(j.opts.jobId);
    await this.mail.addBulk(again);
    return again.length;
  }
}
