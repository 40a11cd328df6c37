import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { Clock } from '../../../kernel/src/index.js';
import { ERASED, EventMetadata, EventStore, withKnownPeople } from '../../../event-store/src/index.js';
import { LedgerPrefix, MailAddress, MailEvent, withPrefix } from './mail-ledger.events.js';
import { decideMail, evolveLedger, Ledger, MailCommand, mailKey, MailState, OWED } from './mail-ledger.js';
import { MailHeldBack } from '../mail-sender.js';
import { MailLeases } from './mail-leases.js';
import { classifySmtpFailure, SmtpFailure } from './smtp-failure.js';

export interface Delivery extends MailAddress {
  /** The stream that holds this mail's ledger events (a chase stream, a return's notifications, a link's). */
  streamId: string;
  prefix: LedgerPrefix;
  /** Whether a temporary failure now will be retried (false on the job's last attempt). */
  willRetry: boolean;
  /** Sends the mail; `stillWanted`, when given, is asked as it is about to go (see MailSender.send). */
  send(stillWanted?: () => boolean): Promise<{ messageId: string }>;
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

/** What deliverMany made of one mail: deliverOnce's results, or a failure it recorded instead of throwing. */
export type BatchDeliveryResult =
  DeliveryResult | { outcome: 'failed'; permanent: boolean; willRetry: boolean; reason: string };

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

/**
 * Writes what is added while nothing is being written at once, and what is added meanwhile together next: a group
 * commit. Each add resolves once its own item is written.
 */
class GroupRecorder<T> {
  private pending: { item: T; done: (error?: unknown) => void }[] = [];
  private writing = false;

  constructor(private readonly write: (items: T[]) => Promise<void>) {}

  add(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, done: (error) => (error ? reject(error) : resolve()) });
      if (!this.writing) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.writing = true;
    while (this.pending.length > 0) {
      const group = this.pending.splice(0);
      let failed: unknown = null;
      try {
        await this.write(group.map((g) => g.item));
      } catch (error) {
        failed = error ?? new Error('not recorded');
      }
      for (const g of group) g.done(failed);
    }
    this.writing = false;
  }
}

const SYSTEM: Omit<EventMetadata, 'correlationId'> = { actorId: 'worker', actorRole: 'system' };
const RECORD_TRIES = 3;
/** The longest wait between two tries of an outcome's record while PostgreSQL is away. */
const RECORD_RETRY_MAX_MS = 2_000;

/** The event with what its mail covers, if the delivery says (see MailAddress.covers). */
const withCovers = (d: MailAddress, event: MailEvent): MailEvent =>
  d.covers ? ({ ...event, data: { ...event.data, covers: [...d.covers] } } as MailEvent) : event;

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
  /**
   * A record of this process failed and none has succeeded since: PostgreSQL is likely away. Every batch then
   * holds back the mails it has not sent yet, not only the batch whose record failed: an operator's probe stopped
   * PostgreSQL for 10 s during a chase and the other batches sent 46 mails they could not record, which all went
   * again when their leases lapsed.
   */
  private recordingFails = false;

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

    const record = (event: MailEvent, retryForMs = 0) =>
      this.recordAll(
        [{ d: { ...d, correlationId }, event: withPrefix(d.prefix, withCovers(d, event)) }],
        undefined,
        retryForMs,
      );
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
        await record(decideMail(d, command, claimed)[0], leaseMs / 2);
        keeper.stop();
        await release();
        if (failure.permanent) throw new UnrecoverableError(`permanent failure: ${failure.reason}`);
        throw new TemporaryDeliveryError(`temporary failure: ${failure.reason}`);
      }
      await record(decideMail(d, { type: 'RecordMailSent', messageId }, claimed)[0], leaseMs / 2);
      keeper.stop();
      await release();
      return { outcome: 'sent', messageId };
    } finally {
      keeper.stop();
    }
  }

  /**
   * deliverOnce for many mails, with the same rules, in a few round trips instead of several per mail: every
   * lease in one statement, every ledger read in one, every claim in one commit; then the mails are sent (as many
   * at a time as the sender allows) and each outcome is recorded as soon as its SMTP answer is in, the outcomes
   * that arrive while a record is being written going together in the next one. So a mail's 250 is never left
   * unrecorded for longer than one commit, as with deliverOnce, and a crash resends only what was in that window.
   * A failure is recorded and returned, not thrown, so one bad address does not hold the others back. The batch
   * is one unit of work of known people: the recipients' keys read to seal the claims also seal every outcome
   * (see known-people.ts), instead of a key query for each outcome's commit.
   */
  deliverMany(deliveries: readonly (Delivery & { correlationId: string })[]): Promise<BatchDeliveryResult[]> {
    return withKnownPeople(() => this.deliverBatch(deliveries));
  }

  private async deliverBatch(
    deliveries: readonly (Delivery & { correlationId: string })[],
  ): Promise<BatchDeliveryResult[]> {
    const results: BatchDeliveryResult[] = new Array(deliveries.length);
    const ids = deliveries.map(mailIdOf);
    // One mail twice in a batch is handled once, for the first; the other says it is in hand.
    const first = new Map<string, number>();
    ids.forEach((id, i) => first.has(id) || first.set(id, i));
    const holder = `${hostname()}:${process.pid}:${randomUUID()}`;
    const leaseMs = this.config.mail.claimLeaseMs;
    const { acquired, held } = await this.leases.acquireMany([...first.keys()], holder, leaseMs);
    for (const [id, until] of held) results[first.get(id)!] = { outcome: 'in-progress', until };

    const mine = [...acquired.keys()].map((id) => first.get(id)!);
    const release = (mailIds: string[]) =>
      this.leases
        .releaseMany(mailIds, holder)
        .catch((error: Error) => this.logger.warn(`${mailIds.length} leases not released: ${error.message}`));
    const claims: {
      i: number;
      claimed: Extract<MailState, { status: 'claimed' }>;
      event: { type: string; data: unknown };
    }[] = [];
    try {
      const ledgers = await this.ledgers(mine.map((i) => deliveries[i]));
      const unclaimed: string[] = [];
      for (const i of mine) {
        const d = deliveries[i];
        const state = ledgers.get(d.streamId)!.get(mailKey(d.key, d.recipient)) ?? OWED;
        const lease = acquired.get(ids[i])!;
        const leaseUntil = lease.expiresAt.toISOString();
        const claim = decideMail(
          d,
          { type: 'ClaimMail', claimId: holder, leaseUntil, now: lease.now },
          state,
        );
        if (claim.length === 0) {
          unclaimed.push(ids[i]);
          results[i] =
            state.status === 'claimed'
              ? { outcome: 'in-progress', until: new Date(state.leaseUntil) }
              : { outcome: 'already', entry: state };
          continue;
        }
        claims.push({
          i,
          claimed: { status: 'claimed', claimId: holder, leaseUntil },
          event: withPrefix(d.prefix, withCovers(d, claim[0])),
        });
      }
      await release(unclaimed);
      await this.recordAll(claims.map((c) => ({ d: deliveries[c.i], event: c.event })));
    } catch (error) {
      await release(mine.map((i) => ids[i])); // nothing went out
      throw error;
    }

    // Once an outcome cannot be recorded, or the leases cannot be renewed (PostgreSQL gone), the mails not yet
    // sent are held back: sent, they could not be recorded and would go again once their leases lapse.
    let stopped = false;
    const stop = () => {
      stopped = true;
      this.recordingFails = true;
    };
    const keeper = this.leases.keepMany(
      claims.map((c) => ids[c.i]),
      holder,
      leaseMs,
      stop,
    );
    // A sent mail's outcome is tried again for as long as its lease surely holds (half of it from the first
    // failure: a renewal less than a third of a lease before still holds it), so an outage shorter than that
    // sends nothing twice: what was with the SMTP server is recorded once PostgreSQL is back.
    const recorder = new GroupRecorder<{
      d: Delivery & { correlationId: string };
      event: { type: string; data: unknown };
    }>((items) => this.recordAll(items, stop, leaseMs / 2));
    const recorded: string[] = [];
    let unrecorded: unknown = null;
    try {
      await Promise.all(
        claims.map(async ({ i, claimed }) => {
          const d = deliveries[i];
          let event: MailEvent;
          let result: BatchDeliveryResult;
          try {
            if (d.recipient === ERASED) throw new ForgottenRecipient();
            const { messageId } = await d.send(() => !stopped && !this.recordingFails);
            event = decideMail(d, { type: 'RecordMailSent', messageId }, claimed)[0];
            result = { outcome: 'sent', messageId };
          } catch (error) {
            if (error instanceof MailHeldBack) {
              // Claimed and never sent: its lease lapses and the next attempt sends it, once.
              results[i] = { outcome: 'in-progress', until: new Date(claimed.leaseUntil) };
              return;
            }
            const failure = error instanceof ForgottenRecipient ? FORGOTTEN : classifySmtpFailure(error);
            const command: MailCommand = { type: 'RecordMailFailure', failure, attemptsLeft: d.willRetry };
            event = decideMail(d, command, claimed)[0];
            result = {
              outcome: 'failed',
              permanent: failure.permanent,
              willRetry: !failure.permanent && d.willRetry,
              reason: failure.reason,
            };
          }
          try {
            await recorder.add({ d, event: withPrefix(d.prefix, withCovers(d, event)) });
          } catch (error) {
            // Not recorded: the lease is kept until it lapses, and the mail is owed again then (deliverOnce's rule).
            unrecorded = error;
            stop();
            return;
          }
          results[i] = result;
          recorded.push(ids[i]);
        }),
      );
    } finally {
      keeper.stop();
    }
    await release(recorded);
    if (unrecorded) throw unrecorded;
    // A mail named twice: the second is whoever holds the first's answer, so it is looked at again later.
    ids.forEach((id, i) => {
      if (first.get(id) !== i) results[i] = { outcome: 'in-progress', until: new Date(Date.now() + 1000) };
    });
    return results;
  }

  /** The ledgers of several mails' streams, read in one round trip (from what each caller already read). */
  private async ledgers(ds: readonly Delivery[]): Promise<Map<string, Ledger>> {
    const known = new Map<string, readonly { type: string; data: unknown; version: number }[]>();
    for (const d of ds) if (!known.has(d.streamId)) known.set(d.streamId, d.history ?? []);
    const from = new Map(
      [...known].map(([id, h]) => [id, h.length > 0 ? h[h.length - 1].version + 1 : 1] as const),
    );
    const tails = from.size > 0 ? await this.store.readStreamTails(from) : new Map();
    const ledgers = new Map<string, Ledger>();
    for (const d of ds) {
      if (ledgers.has(d.streamId)) continue;
      const events = [...known.get(d.streamId)!, ...(tails.get(d.streamId) ?? [])];
      ledgers.set(
        d.streamId,
        events.reduce<Ledger>((l, e) => evolveLedger(d.prefix, l, e), new Map()),
      );
    }
    return ledgers;
  }

  /**
   * Several ledger events in one commit, a stream's together, tried a few times (a sent mail whose record is lost
   * would be sent again), or, given `retryForMs`, for that long after the first failed try.
   */
  private async recordAll(
    items: readonly { d: Delivery & { correlationId: string }; event: { type: string; data: unknown } }[],
    /** Told at the first failed try, before the retries: a sender stops sending what it may not record. */
    onFailedTry: () => void = () => undefined,
    retryForMs = 0,
  ): Promise<void> {
    if (items.length === 0) return;
    const byStream = new Map<string, { correlationId: string; events: { type: string; data: unknown }[] }>();
    for (const { d, event } of items) {
      const key = `${d.streamId}\u0000${d.correlationId}`;
      const entry = byStream.get(key) ?? { correlationId: d.correlationId, events: [] };
      entry.events.push(event);
      byStream.set(key, entry);
    }
    const recordedAt = this.clock.now();
    let giveUpAt = Infinity;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.store.appendEachAnyVersion(
          [...byStream].map(([key, { correlationId, events }]) => ({
            streamId: key.slice(0, key.indexOf('\u0000')),
            events,
            metadata: { ...SYSTEM, correlationId },
          })),
          { recordedAt },
        );
        this.recordingFails = false;
        return;
      } catch (error) {
        onFailedTry();
        this.recordingFails = true;
        const now = Date.now();
        if (attempt === 1) giveUpAt = now + retryForMs;
        if (attempt >= RECORD_TRIES && now >= giveUpAt) throw error;
        const backoff = Math.min(100 * 2 ** (attempt - 1), RECORD_RETRY_MAX_MS);
        // The last try lands at the deadline, not after it.
        await new Promise((r) =>
          setTimeout(r, attempt < RECORD_TRIES ? backoff : Math.min(backoff, giveUpAt - now)),
        );
      }
    }
  }

  /** The ledger of the mail's stream, read (or brought up to date) under the lease. */
  private async ledger(d: Delivery): Promise<Ledger> {
    const known = d.history ?? [];
    const from = known.length > 0 ? known[known.length - 1].version + 1 : 1;
    const tail = await this.store.readStream(d.streamId, { fromVersion: from });
    return [...known, ...tail].reduce<Ledger>((l, e) => evolveLedger(d.prefix, l, e), new Map());
  }
}
