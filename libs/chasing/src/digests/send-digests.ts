import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { clockInWords, Clock, dayInWords } from '../../../kernel/src/index.js';
import {
  digestMail,
  MailLedgerService,
  MailSender,
  SubmissionItem,
  TemporaryDeliveryError,
} from '../../../mail/src/index.js';
import { CycleReturns } from '../cycle-returns.js';
import { decideDigest, WindowSubmission } from './digest.decide.js';
import { Reviewer } from './digest-readers.js';
import { DigestWindow, digestStreamId, windowOf } from './digest-window.js';
import { StaffMailUrls } from './staff-mail-urls.js';
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
 * The digests one submission's job owes: nothing until its window closes, then, to each reviewer for whom it is
 * the window's first submission, one mail listing all of theirs in it, through the mail ledger under the key
 * `digests:<staffId>` / window start, so it goes once however often and wherever the job runs.
 */
@Injectable()
export class SendDigests {
  constructor(
    @Inject(WindowSubmissions) private readonly submissions: WindowSubmissions,
    @Inject(CycleReturns) private readonly cycleReturns: CycleReturns,
    @Inject(MailLedgerService) private readonly ledger: MailLedgerService,
    @Inject(MailSender) private readonly mail: MailSender,
    @Inject(StaffMailUrls) private readonly urls: StaffMailUrls,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async owedFor(
    submission: WindowSubmission,
    readers: readonly Reviewer[],
    willRetry: boolean,
    correlationId: string,
  ): Promise<DigestOutcome> {
    if (readers.length === 0) return { sent: 0, recipients: 0 };
    const window = windowOf(submission.at, this.config.mail.digestIntervalMs);
    const now = this.clock.now();
    // The window is on the business clock; the wait runs on the machine's.
    if (now < window.end)
      return {
        sent: 0,
        recipients: 0,
        waitUntil: new Date(Date.now() + window.end.getTime() - now.getTime()),
      };

    const inWindow = await this.submissions.load(submission.partnershipId, window);
    const { partnershipName } = await this.cycleReturns.agency(submission.partnershipId, '');
    let sent = 0;
    let recipients = 0;
    let waitUntil: Date | undefined;
    let temporary: unknown = null;
    for (const reader of readers) {
      const decision = decideDigest({ now, window, submission }, reader, inWindow);
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
            send: () => this.mail.send(mail),
          },
          correlationId,
        );
        if (result.outcome === 'sent') sent += 1;
        if (result.outcome === 'in-progress' && (!waitUntil || result.until > waitUntil))
          waitUntil = result.until;
      } catch (error) {
        // As with notices: one reader's permanent failure is recorded and holds back no one else.
        if (error instanceof TemporaryDeliveryError) temporary = error;
        else if ((error as Error).name !== 'UnrecoverableError') throw error;
      }
    }
    if (temporary) throw temporary;
    return { sent, recipients, ...(waitUntil ? { waitUntil } : {}) };
  }

  private item(s: SubmissionInWindow): SubmissionItem {
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
