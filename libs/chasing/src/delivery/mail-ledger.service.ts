import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig, Clock } from '../../../config/src/index.js';
import { ConcurrencyError, EventMetadata, EventStore } from '../../../event-store/src/index.js';
import { decideClaim, evolveLedger, Ledger, mailKey, MailEntry } from '../chase/mail-ledger.js';
import { classifySmtpFailure } from './smtp-failure.js';

export interface Delivery {
  /** The stream that is the ledger: a chase stream, or a return's notifications stream. */
  streamId: string;
  /** "Reminder" or "Notification": the ledger's event types are <prefix>Claimed, <prefix>Sent, ... */
  prefix: 'Reminder' | 'Notification';
  key: string;
  recipient: string;
  /** Whether a temporary failure now will be retried (false on the job's last attempt). */
  willRetry: boolean;
  send(): Promise<{ messageId: string }>;
  /**
   * The ledger stream as the caller just read it, if it did: the first look starts from it. Were it stale, the
   * claim at its version would conflict and the stream be read again, so it can only save a round trip.
   */
  history?: readonly { type: string; data: unknown; version: number }[];
}

export type DeliveryResult =
  | { outcome: 'sent'; messageId: string }
  | { outcome: 'already'; entry: MailEntry }
  | { outcome: 'in-progress'; until: Date };

/** A temporary failure, already recorded: the job throws it so BullMQ retries with backoff. */
export class TemporaryDeliveryError extends Error {}

const SYSTEM: Omit<EventMetadata, 'correlationId'> = { actorId: 'worker', actorRole: 'system' };

/**
 * Sends a mail at most once per (key, recipient), whatever runs it and however often: look in the ledger, claim
 * at the stream's expected version (of two racing workers only one claim is appended), send, record.
 */
@Injectable()
export class MailLedgerService {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async entries(
    streamId: string,
    prefix: string,
    known?: Delivery['history'],
  ): Promise<{ ledger: Ledger; version: number | 'no_stream' }> {
    const events = known ?? (await this.store.readStream(streamId));
    const ledger = events.reduce<Ledger>((l, e) => evolveLedger(prefix, l, e), new Map());
    return { ledger, version: events.length ? events[events.length - 1].version : 'no_stream' };
  }

  async deliverOnce(d: Delivery, correlationId: string): Promise<DeliveryResult> {
    const meta: EventMetadata = { ...SYSTEM, correlationId };
    const recordedAt = this.clock.now();
    const key = { key: d.key, recipient: d.recipient };
    for (let known = d.history; ; known = undefined) {
      const { ledger, version } = await this.entries(d.streamId, d.prefix, known);
      // Leases are about processes staying alive, so they run on the machine's time, not the business clock.
      const decision = decideClaim(ledger.get(mailKey(d.key, d.recipient)), new Date());
      if (decision.action === 'done') return { outcome: 'already', entry: decision.entry };
      if (decision.action === 'wait') return { outcome: 'in-progress', until: new Date(decision.until) };
      const claim = {
        type: `${d.prefix}Claimed`,
        data: {
          ...key,
          claimId: randomUUID(),
          leaseUntil: new Date(Date.now() + this.config.mail.claimLeaseMs).toISOString(),
        },
      };
      try {
        await this.store.append(d.streamId, version, [claim], meta, { recordedAt });
        break;
      } catch (error) {
        if (error instanceof ConcurrencyError) continue; // someone appended meanwhile: look again
        throw error;
      }
    }
    let messageId: string;
    try {
      ({ messageId } = await d.send());
    } catch (error) {
      const failure = classifySmtpFailure(error);
      const willRetry = !failure.permanent && d.willRetry;
      await this.store.append(
        d.streamId,
        'any',
        [
          {
            type: `${d.prefix}DeliveryFailed`,
            data: {
              ...key,
              reason: failure.reason,
              responseCode: failure.responseCode,
              permanent: failure.permanent,
              willRetry,
            },
          },
        ],
        meta,
        { recordedAt },
      );
      if (failure.permanent) throw new UnrecoverableError(`permanent failure: ${failure.reason}`);
      throw new TemporaryDeliveryError(`temporary failure: ${failure.reason}`);
    }
    await this.store.append(
      d.streamId,
      'any',
      [{ type: `${d.prefix}Sent`, data: { ...key, messageId } }],
      meta,
      {
        recordedAt,
      },
    );
    return { outcome: 'sent', messageId };
  }
}
