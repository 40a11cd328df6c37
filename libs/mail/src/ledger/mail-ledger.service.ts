import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { Clock } from '../../../kernel/src/index.js';
import { ERASED, EventMetadata, EventStore } from '../../../event-store/src/index.js';
import { LedgerPrefix, MailAddress, MailEvent, withPrefix } from './mail-ledger.events.js';
import { decideMail, evolveLedger, Ledger, MailCommand, mailKey, MailState, OWED } from './mail-ledger.js';
import { MailLeases } from './mail-leases.js';
import { classifySmtpFailure, SmtpFailure } from './smtp-failure.js';

export interface Delivery extends MailAddress {
  /** The stream that holds this mail's ledger events (a chase stream, a return's notifications, a link's). */
  streamId: string;
  prefix: LedgerPrefix;
  /** Whether a temporary failure now will be retried (false on the job's last attempt). */
  willRetry: boolean;
  send(): Promise<{ messageId: string }>;
  /**
   * The ledger stream as the caller just read it, if it did: only what was appended since is read again, once
   * the lease is held, so the decision is always made on the stream as it stands under the lease.
   */
  history?: readonly { type: string; data: unknown; version: number }[];
}

export type DeliveryResult =
  | { outcome: 'sent'; messageId: string }
  | { outcome: 'already'; entry: MailState }
  /** Another sender holds the mail's lease: look again then (machine time). */
  | { outcome: 'in-progress'; until: Date };

/** A temporary failure, already recorded: the job throws it so BullMQ retries with backoff. */
export class TemporaryDeliveryError extends Error {
  override readonly name = 'TemporaryDeliveryError';
}

/** The recipient was forgotten (issue 17): the mail is never sent, and never retried. */
class ForgottenRecipient extends Error {}
const FORGOTTEN: SmtpFailure = {
  permanent: true,
  responseCode: null,
  reason: 'Not sent: the recipient was forgotten at the partnership’s request, so their address is erased',
};

const SYSTEM: Omit<EventMetadata, 'correlationId'> = { actorId: 'worker', actorRole: 'system' };
const RECORD_TRIES = 3;

/** The id of one mail across the ledger's stream and the lease table: derived from the event that owes it. */
export const mailIdOf = (d: Pick<Delivery, 'streamId' | 'key' | 'recipient'>) =>
  `${d.streamId}|${mailKey(d.key, d.recipient)}`;

/**
 * Every mail the product sends goes through here, once per mail however often a job runs and however many
 * workers race: take the mail's lease (a table row, renewed while sending), read its ledger, claim it in the log,
 * send, record sent or failed, let the lease go. A sender that dies keeps its lease until it lapses; only then is
 * the mail taken over, so the one way to a second copy is a death between the SMTP server's 250 and the record.
 */
@Injectable()
export class MailLedgerService {
  private readonly logger = new Logger('MailLedger');

  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(MailLeases) private readonly leases: MailLeases,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async deliverOnce(d: Delivery, correlationId: string): Promise<DeliveryResult> {
    const mailId = mailIdOf(d);
    const holder = `${hostname()}:${process.pid}:${randomUUID()}`;
    const leaseMs = this.config.mail.claimLeaseMs;
    const lease = await this.leases.acquire(mailId, holder, leaseMs);
    if (!lease.acquired) return { outcome: 'in-progress', until: lease.until };

    const record = (event: MailEvent) => this.record(d, withPrefix(d.prefix, event), correlationId);
    const release = () =>
      this.leases
        .release(mailId, holder)
        .catch((error: Error) => this.logger.warn(`lease on ${mailId} not released: ${error.message}`));

    let claimed: MailState;
    try {
      const state = (await this.ledger(d)).get(mailKey(d.key, d.recipient)) ?? OWED;
      const leaseUntil = lease.expiresAt.toISOString();
      const claim = decideMail(d, { type: 'ClaimMail', claimId: holder, leaseUntil, now: lease.now }, state);
      if (claim.length === 0) {
        await release();
        return state.status === 'claimed'
          ? { outcome: 'in-progress', until: new Date(state.leaseUntil) }
          : { outcome: 'already', entry: state };
      }
      await record(claim[0]);
      claimed = { status: 'claimed', claimId: holder, leaseUntil };
    } catch (error) {
      await release(); // nothing went out
      throw error;
    }

    // From here an outcome that cannot be recorded keeps the lease until it lapses: the retry then finds the
    // claim without an outcome and sends again, the window the README names. The lease is renewed until the
    // outcome is recorded, not only while the SMTP server works.
    const keeper = this.leases.keep(mailId, holder, leaseMs);
    try {
      let messageId: string;
      try {
        // A forgotten person's address reads [erased]: nothing is sent, and the ledger says why, for good.
        if (d.recipient === ERASED) throw new ForgottenRecipient();
        ({ messageId } = await d.send());
      } catch (error) {
        const failure = error instanceof ForgottenRecipient ? FORGOTTEN : classifySmtpFailure(error);
        const command: MailCommand = { type: 'RecordMailFailure', failure, attemptsLeft: d.willRetry };
        await record(decideMail(d, command, claimed)[0]);
        keeper.stop();
        await release();
        if (failure.permanent) throw new UnrecoverableError(`permanent failure: ${failure.reason}`);
        throw new TemporaryDeliveryError(`temporary failure: ${failure.reason}`);
      }
      await record(decideMail(d, { type: 'RecordMailSent', messageId }, claimed)[0]);
      keeper.stop();
      await release();
      return { outcome: 'sent', messageId };
    } finally {
      keeper.stop();
    }
  }

  /** The ledger of the mail's stream, read (or brought up to date) under the lease. */
  private async ledger(d: Delivery): Promise<Ledger> {
    const known = d.history ?? [];
    const from = known.length > 0 ? known[known.length - 1].version + 1 : 1;
    const tail = await this.store.readStream(d.streamId, { fromVersion: from });
    return [...known, ...tail].reduce<Ledger>((l, e) => evolveLedger(d.prefix, l, e), new Map());
  }

  /** An outcome is tried a few times: a sent mail whose record is lost would be sent again. */
  private async record(d: Delivery, event: { type: string; data: unknown }, correlationId: string) {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.append(
          d.streamId,
          'any',
          [event],
          { ...SYSTEM, correlationId },
          { recordedAt: this.clock.now() },
        );
        return;
      } catch (error) {
        if (attempt >= RECORD_TRIES) throw error;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  }
}
