import { Inject, Injectable } from '@nestjs/common';
import { clockInWords, Clock, dayInWords } from '../../../kernel/src/index.js';
import {
  digestMail,
  MailLedgerService,
  MailSender,
  MessageItem,
  SubmissionItem,
  TemporaryDeliveryError,
} from '../../../mail/src/index.js';
import { PlanRepository } from '../../../plan/src/index.js';
import { DigestMailJob } from '../../../queues/src/index.js';
import { decideDigest, messageExcerpt } from './digest.decide.js';
import { DigestReaders } from './digest-readers.js';
import { DigestWindow, digestStreamId } from './digest-window.js';
import { StaffMailUrls } from './staff-mail-urls.js';
import { MessageInWindow, WindowMessages } from './window-messages.js';
import { SubmissionInWindow, WindowSubmissions } from './window-submissions.js';

export interface DigestOutcome {
  sent: number;
  recipients: number;
  /** The window is still open, or a digest is held by another sender: look again then (machine time). */
  waitUntil?: Date;
}

/** "between 10:00am and 11:00am on 3 December 2026" */
function windowInWords(w: DigestWindow): string {
  const start = w.start.toISOString();
  const end = w.end.toISOString();
  const sameDay = dayInWords(start) === dayInWords(new Date(w.end.getTime() - 1).toISOString());
  return sameDay
    ? `between ${clockInWords(start)} and ${clockInWords(end)} on ${dayInWords(start)}`
    : `between ${clockInWords(start)} on ${dayInWords(start)} and ${clockInWords(end)} on ${dayInWords(end)}`;
}

/**
 * The digests of one partnership's window, once it has closed: to each reviewer (or coordinator) with something
 * in it, one mail listing all of it, submissions and messages, through the mail ledger under `digests:<staffId>` and the window, so it goes once however
 * often the job runs and on however many workers.
 */
@Injectable()
export class SendDigests {
  constructor(
    @Inject(WindowSubmissions) private readonly submissions: WindowSubmissions,
    @Inject(WindowMessages) private readonly messages: WindowMessages,
    @Inject(DigestReaders) private readonly readers: DigestReaders,
    @Inject(PlanRepository) private readonly plans: PlanRepository,
    @Inject(MailLedgerService) private readonly ledger: MailLedgerService,
    @Inject(MailSender) private readonly mail: MailSender,
    @Inject(StaffMailUrls) private readonly urls: StaffMailUrls,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async forWindow(job: DigestMailJob, willRetry: boolean): Promise<DigestOutcome> {
    const window = { start: new Date(job.windowStart), end: new Date(job.windowEnd) };
    const now = this.clock.now();
    // The window is on the business clock; the wait runs on the machine's.
    if (now < window.end)
      return {
        sent: 0,
        recipients: 0,
        waitUntil: new Date(Date.now() + window.end.getTime() - now.getTime()),
      };

    const inWindow = [
      ...(await this.submissions.load(job.partnershipId, window)),
      ...(await this.messages.load(job.partnershipId, window)),
    ];
    // Coordinators too: a lead's message on a theme no one reviews is theirs (never a submission).
    const readers = [
      ...(await this.readers.reviewersOf(job.partnershipId, null)),
      ...(await this.readers.coordinatorsOf(job.partnershipId)),
    ];
    const partnership = await this.plans.partnership(job.partnershipId);
    const partnershipName = partnership.status === 'registered' ? partnership.name : job.partnershipId;
    let sent = 0;
    let recipients = 0;
    let waitUntil: Date | undefined;
    let temporary: unknown = null;
    for (const reader of readers) {
      const decision = decideDigest({ now, window }, reader, inWindow);
      if (decision.type !== 'send') continue;
      recipients += 1;
      const mail = digestMail({
        to: reader.email,
        name: reader.name,
        partnershipName,
        windowInWords: windowInWords(window),
        items: decision.items.map((s) => this.item(s)),
        queueUrl: this.urls.queue,
        why: this.urls.why(
          reader,
          decision.items.map((s) => s.themeTitle),
          decision.items[decision.items.length - 1].at,
        ),
      });
      try {
        const result = await this.ledger.deliverOnce(
          {
            streamId: digestStreamId(reader.staffId),
            prefix: 'Digest',
            key: decision.key,
            recipient: reader.email,
            willRetry,
            send: (stillWanted) => this.mail.send(mail, stillWanted),
          },
          `digest-${job.partnershipId}-${job.windowStart}`,
        );
        if (result.outcome === 'sent') sent += 1;
        if (result.outcome === 'in-progress' && (!waitUntil || result.until > waitUntil))
          waitUntil = result.until;
      } catch (error) {
        // As with notices: one reader's permanent failure is recorded and holds back no one else; a temporary
        // one makes the job retry, and the retry skips whoever already has their digest.
        if (error instanceof TemporaryDeliveryError) temporary = error;
        else if ((error as Error).name !== 'UnrecoverableError') throw error;
      }
    }
    if (temporary) throw temporary;
    return { sent, recipients, ...(waitUntil ? { waitUntil } : {}) };
  }
  private item(s: SubmissionInWindow | MessageInWindow): SubmissionItem | MessageItem {
    if (s.kind === 'message')
      return {
        kind: 'message',
        authorInWords: s.authorInWords,
        measureRef: s.measureRef,
        measureText: s.measureText,
        cycleLabel: s.cycleLabel,
        changeRequest: s.changeRequest,
        excerpt: messageExcerpt(s.body),
        pageUrl: this.urls.messagesPage(s.returnId),
      };
    return {
      kind: 'submission',
      agencyName: s.agencyName,
      measureRef: s.measureRef,
      measureText: s.measureText,
      themeTitle: s.themeTitle,
      cycleLabel: s.cycleLabel,
      late: s.late,
      pageUrl: this.urls.reviewPage(s.returnId),
    };
  }
}
