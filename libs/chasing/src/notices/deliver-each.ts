import {
  MailLedgerService,
  MailSender,
  OutgoingMail,
  TemporaryDeliveryError,
} from '../../../mail/src/index.js';
import { notificationStreamId } from '../chase/chase.events.js';

export interface ReturnNoticeOutcome {
  sent: number;
  recipients: number;
  /** Some recipient's mail is held by another sender: look again then. */
  waitUntil?: Date;
}

/** Which notice of which return: the ledger's key for each recipient's mail, and the causation it records. */
export interface NoticeKey {
  returnId: string;
  key: string;
  causation: string;
}

/**
 * Sends a return's notice mails through the ledger, each recipient on its own: one permanent failure is
 * recorded and does not hold back the others; a temporary one makes the job retry, and the retry skips whoever
 * already has their mail. A mail another sender holds is looked at again once its lease would lapse, without
 * using an attempt.
 */
export async function deliverEach(
  ledger: MailLedgerService,
  sender: MailSender,
  mails: readonly OutgoingMail[],
  notice: NoticeKey,
  willRetry: boolean,
): Promise<ReturnNoticeOutcome> {
  let sent = 0;
  let temporary: unknown = null;
  let waitUntil: Date | undefined;
  for (const mail of mails) {
    try {
      const result = await ledger.deliverOnce(
        {
          streamId: notificationStreamId(notice.returnId),
          prefix: 'Notification',
          key: notice.key,
          recipient: mail.to as string,
          willRetry,
          send: (stillWanted) => sender.send(mail, stillWanted),
        },
        notice.causation,
      );
      if (result.outcome === 'sent') sent += 1;
      if (result.outcome === 'in-progress' && (!waitUntil || result.until > waitUntil))
        waitUntil = result.until;
    } catch (error) {
      if (error instanceof TemporaryDeliveryError) temporary = error;
      else if ((error as Error).name !== 'UnrecoverableError') throw error;
    }
  }
  if (temporary) throw temporary;
  return { sent, recipients: mails.length, ...(waitUntil ? { waitUntil } : {}) };
}
