import { Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { queryTimedOut } from '../../database/src/index.js';
import { AppendWakeUps } from './append-wake-ups.js';
import { Checkpoint, START, StoredEvent } from './event.js';
import { EventStore, UnreadableEvent } from './event-store.js';
import {
  DEFAULT_RETRY_POLICY,
  describe,
  FailedEvent,
  ProcessorHolds,
  RetryPolicy,
} from './processor-holds.js';

export interface ProcessorDefinition {
  /** Stable name: the checkpoint row and the advisory lock are keyed by it. */
  name: string;
  /**
   * Applies one batch inside the transaction that also moves the checkpoint, so a crash part-way through a
   * batch rolls back both and no event is ever applied twice.
   */
  handle(events: StoredEvent[], manager: EntityManager): Promise<void>;
  batchSize?: number;
  /**
   * Optional: checks, before the batch's transaction opens, that what `handle` needs is there (Redis, say). It
   * throws when not, so the processor backs off without holding a transaction open: an open transaction holds
   * back the read fence of every subscriber.
   */
  beforeBatch?(): Promise<void>;
}

/**
 * Thrown (by `beforeBatch`, say) when something a processor needs is away and something else already tells the
 * operator so, once (Redis: see RedisOutageLog): the processor waits and retries without a log line of its own.
 */
export class NotReady extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotReady';
  }
}

export interface ProcessorRunOptions extends Partial<RetryPolicy> {
  pollIntervalMs?: number;
  /** How often a standby instance tries to take over the lock. */
  lockRetryMs?: number;
  /**
   * Read as soon as a transaction that appended events commits (LISTEN, see AppendWakeUps), not only every
   * `pollIntervalMs`; polling stays the fallback. On unless false (the benchmark's polling-only baseline).
   */
  wakeOnAppend?: boolean;
  /**
   * The least time from one batch's start to the next one's, unless the first was full (a backlog is read on at
   * once). Under a steady stream of appends a processor otherwise reads one or two events a batch, each batch a
   * transaction of about ten statements, and at a few hundred commands a second those batches take the cores the
   * commands need; with a gap each batch gathers what came meanwhile, for at most this much more delay. After a batch
   * that found nothing, the next append is read at once.
   */
  batchGapMs?: number;
}

export const DEFAULT_BATCH_GAP_MS = 20;
const DEFAULT_BATCH_SIZE = 500;

const SAVEPOINT = 'event_processor_try';

const PROCESSOR_BATCH_LOCK = `hashtextextended('event-processor-batch:' || $1, 0)`;
// A transaction-level advisory lock takes no transaction id, so waiting on it holds back no one's fence.
const PROCESSOR_BATCH_LOCK_SHARED = `SELECT pg_advisory_xact_lock_shared(${PROCESSOR_BATCH_LOCK})`;

/**
 * Keeps a named processor's batches out until the caller's transaction ends, after waiting for the one under
 * way: what a rebuild takes before it moves the processor's checkpoint and swaps its tables.
 */
export async function lockProcessorBatches(
  sql: Pick<EntityManager, 'query'>,
  processor: string,
): Promise<void> {
  await sql.query(`SELECT pg_advisory_xact_lock(${PROCESSOR_BATCH_LOCK})`, [processor]);
}

/**
 * Runs one named processor: at most one active instance across all processes (a session-level advisory lock
 * on its own connection), reading behind the event store's transaction fence and checkpointing in the same
 * transaction as its writes.
 *
 * No event stops it for everyone. A batch that fails is tried again event by event, each under a savepoint, to
 * find the events at fault; each of those is held back with its stream (the stream's later events wait behind
 * it, in order) while every other stream's events are applied and the checkpoint moves on. A held stream's first
 * event is tried again with a doubling delay and parked after the policy's last try, until an operator retries
 * or skips it (see ParkedEvents). A failure that is not an event's fault (the connection lost, or `beforeBatch`
 * saying a dependency is away) holds nothing: the whole batch rolls back and is tried again later.
 */
export class EventProcessor {
  private readonly logger: Logger;
  private runner: QueryRunner | null = null;
  private leader = false;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** Ends a sleep that wake-ups do not cut short (the batch gap) when the processor stops. */
  private halt: (() => void) | null = null;
  /** Set by a wake-up that came while a batch was being read: the next sleep ends at once, so none is lost. */
  private woken = false;
  private stopListening: (() => void) | null = null;
  private readonly wakeOnAppend: boolean;
  private readonly pollIntervalMs: number;
  private readonly batchGapMs: number;
  private readonly lockRetryMs: number;
  private readonly holds: ProcessorHolds;
  /** The failure being retried now, logged once when it starts and once when it ends. */
  private outage: string | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly definition: ProcessorDefinition,
    options: ProcessorRunOptions = {},
  ) {
    this.logger = new Logger(`Processor:${definition.name}`);
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.lockRetryMs = options.lockRetryMs ?? 1000;
    this.wakeOnAppend = options.wakeOnAppend ?? true;
    this.batchGapMs = options.batchGapMs ?? DEFAULT_BATCH_GAP_MS;
    this.holds = new ProcessorHolds(definition.name, {
      attempts: options.attempts ?? DEFAULT_RETRY_POLICY.attempts,
      retryDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_POLICY.retryDelayMs,
    });
  }

  get name(): string {
    return this.definition.name;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    if (this.wakeOnAppend) {
      this.stopListening = AppendWakeUps.of(this.dataSource)?.subscribe(() => this.poke()) ?? null;
    }
    this.loop = this.run();
  }

  /**
   * Wakes the active instance so new events are processed without waiting for the next poll. A standby one is
   * left to its lock retries (it could not read anyway), and so is one waiting out a failure: dropConnection
   * gave up the lead, so wake-ups never cut its backoff short.
   */
  poke(): void {
    if (!this.leader) return;
    this.woken = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopListening?.();
    this.stopListening = null;
    this.wake?.();
    this.halt?.();
    await this.loop;
    this.loop = null;
  }

  /**
   * Processes batches until none is left, then the held streams that are due; returns how many events it
   * passed (held ones included) and released. Needs the lock.
   */
  async drain(): Promise<number> {
    if (!(await this.ensureLeader())) return 0;
    let total = 0;
    for (let n = await this.processBatch(); n > 0; n = await this.processBatch()) total += n;
    return total + (await this.releaseDue());
  }

  async checkpoint(sql: Pick<DataSource, 'query'> = this.dataSource): Promise<Checkpoint> {
    const rows: { transaction_id: string; global_position: string }[] = await sql.query(
      'SELECT transaction_id::text AS transaction_id, global_position FROM processor_checkpoints WHERE name = $1',
      [this.definition.name],
    );
    return rows.length === 0
      ? START
      : { transactionId: rows[0].transaction_id, globalPosition: Number(rows[0].global_position) };
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        if (!(await this.ensureLeader())) {
          await this.sleep(this.lockRetryMs);
          continue;
        }
        const started = performance.now();
        // Cleared before reading: a wake-up from now on may be for events this batch does not see.
        this.woken = false;
        const passed = await this.processBatch();
        const applied = passed + (await this.releaseDue());
        this.recovered(failures);
        failures = 0;
        if (passed >= this.batchSize) continue;
        if (applied === 0) {
          // Caught up: the next append is read as soon as it wakes this processor.
          if (!this.woken) await this.sleep(this.pollIntervalMs);
          continue;
        }
        const gapLeft = started + this.batchGapMs - performance.now();
        if (gapLeft > 0) await this.sleep(gapLeft, false);
      } catch (error) {
        failures += 1;
        this.failing(error as Error, failures);
        await this.dropConnection();
        await this.sleep(Math.min(30_000, this.pollIntervalMs * 2 ** Math.min(failures, 8)));
      }
    }
    await this.dropConnection();
  }

  /** One line when a failure starts (or changes), not one per retry: a long outage would flood the log. */
  private failing(error: Error, failures: number): void {
    if (error instanceof NotReady) return;
    const message = describe(error);
    if (message === this.outage) return;
    this.outage = message;
    this.logger.error(`cannot process events, retrying with backoff (attempt ${failures}): ${message}`);
  }

  private recovered(failures: number): void {
    if (this.outage === null) return;
    this.outage = null;
    this.logger.log(`processing events again after ${failures} failed attempts`);
  }

  private async ensureLeader(): Promise<boolean> {
    if (this.leader && this.runner && !this.runner.isReleased) return true;
    if (!this.runner || this.runner.isReleased) {
      this.runner = this.dataSource.createQueryRunner();
      await this.runner.connect();
    }
    const rows: { locked: boolean }[] = await this.runner.query(
      `SELECT pg_try_advisory_lock(hashtextextended('event-processor:' || $1, 0)) AS locked`,
      [this.definition.name],
    );
    this.leader = rows[0].locked;
    return this.leader;
  }

  private async processBatch(): Promise<number> {
    return this.inTransaction(async (m) => {
      const from = await this.checkpoint(m);
      const unreadable: UnreadableEvent[] = [];
      const { events, checkpoint } = await this.store.readAll(from, this.batchSize, m, unreadable);
      if (events.length + unreadable.length === 0) return 0;
      const held = await this.holds.heldStreams(m);
      // Skipped ones come round again only when the checkpoint was reset (a rebuild): they stay skipped.
      const skipped = await this.holds.skippedAmong([...events, ...unreadable], m);
      const toHold = await this.applyHolding(
        events.filter((e) => !skipped.has(e.globalPosition)),
        unreadable.filter((e) => !skipped.has(e.globalPosition)),
        held,
        m,
      );
      await this.holds.hold(toHold, m);
      await m.query(
        `INSERT INTO processor_checkpoints (name, transaction_id, global_position, updated_at)
         VALUES ($1, $2::xid8, $3, now())
         ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
           global_position = EXCLUDED.global_position, updated_at = now()`,
        [this.definition.name, checkpoint.transactionId, checkpoint.globalPosition],
      );
      // Events passed, held ones included: the caller reads on while there are any.
      return events.length + unreadable.length;
    });
  }

  /**
   * Applies a batch but for the streams held: all at once when it can (the usual case), else event by event to
   * hold back each event at fault and the rest of its stream. An event that cannot even be read is at fault like
   * one that fails. Returns the events to hold.
   */
  private async applyHolding(
    events: readonly StoredEvent[],
    unreadable: readonly UnreadableEvent[],
    held: Set<string>,
    m: EntityManager,
  ): Promise<FailedEvent[]> {
    if (unreadable.length === 0) {
      const free = events.filter((e) => !held.has(e.streamId));
      if (free.length === 0 || !(await this.attempt(free, m))) {
        return events.filter((e) => held.has(e.streamId));
      }
    }
    const toHold: FailedEvent[] = [];
    for (const event of [...events, ...unreadable].sort(order)) {
      if (!held.has(event.streamId)) {
        const error = 'error' in event ? event.error : await this.attempt([event], m);
        if (!error) continue;
        await this.heldAfterFailure(event, error, 1, m);
        held.add(event.streamId);
      }
      toHold.push(event);
    }
    return toHold;
  }

  /**
   * Applies events under a savepoint; the error when that fails (its writes undone). An error that is not the
   * events' fault is thrown instead: a statement timed out (a lock held, PostgreSQL stalled: see
   * DATABASE_QUERY_TIMEOUT_MS), the savepoint cannot be rolled back (the connection is gone), or `beforeBatch` now
   * fails (a dependency went away).
   */
  private async attempt(events: readonly StoredEvent[], m: EntityManager): Promise<Error | null> {
    await m.query(`SAVEPOINT ${SAVEPOINT}`);
    try {
      await this.definition.handle([...events], m);
    } catch (error) {
      if (queryTimedOut(error)) throw error;
      await m.query(`ROLLBACK TO SAVEPOINT ${SAVEPOINT}`);
      await this.definition.beforeBatch?.();
      return error instanceof Error ? error : new Error(String(error));
    }
    await m.query(`RELEASE SAVEPOINT ${SAVEPOINT}`);
    return null;
  }

  private async heldAfterFailure(
    event: FailedEvent,
    error: Error,
    attempts: number,
    m: EntityManager,
  ): Promise<void> {
    const outcome = await this.holds.failed(event, error, attempts, m);
    const what = `event ${event.globalPosition} (${event.type} in ${event.streamId}) failed: ${describe(error)}`;
    if (outcome.state === 'parked') {
      this.logger.error(
        `${what}; parked after ${outcome.attempts} ${outcome.attempts === 1 ? 'try' : 'tries'}: its stream is held until an operator retries or skips it (npm run processors -- status)`,
      );
    } else {
      this.logger.warn(
        `${what}; its stream is held, try ${outcome.attempts + 1} in ${duration(outcome.nextAttemptInMs)}`,
      );
    }
  }

  /** Tries the held streams that are due, or that an operator asked for; returns how many events it applied. */
  private async releaseDue(): Promise<number> {
    let applied = 0;
    for (const streamId of await this.holds.due(this.runner!)) applied += await this.releaseStream(streamId);
    return applied;
  }

  /**
   * Applies a held stream's events in order, from its parked event (or the one after it, when an operator skips
   * it), until one fails: that one becomes the parked event. All in one transaction with the records.
   */
  private async releaseStream(streamId: string): Promise<number> {
    return this.inTransaction(async (m) => {
      const parked = await this.holds.lock(streamId, m);
      if (!parked) return 0;
      const parkedAt = Number(parked.global_position);
      const unreadable: UnreadableEvent[] = [];
      const events = await this.store.readPositions(await this.holds.heldIn(streamId, m), m, unreadable);
      const skip = parked.requested_action === 'skip';
      if (skip) {
        await this.holds.skipped(parked, m);
        await this.holds.release([parkedAt], m);
      }
      let applied = 0;
      let failure: { event: FailedEvent; error: Error } | null = null;
      const pending = [...events, ...unreadable]
        .filter((e) => !(skip && e.globalPosition === parkedAt))
        .sort(order);
      for (const event of pending) {
        const error = 'error' in event ? event.error : await this.attempt([event], m);
        if (error) {
          failure = { event, error };
          break;
        }
        await this.holds.release([event.globalPosition], m);
        applied += 1;
      }
      if (failure) {
        const same = failure.event.globalPosition === parkedAt;
        await this.heldAfterFailure(failure.event, failure.error, same ? parked.attempts + 1 : 1, m);
      } else {
        await this.holds.unpark(streamId, m);
        this.logger.log(`stream ${streamId} released: ${applied} held events applied`);
      }
      if (parked.intervention_id) {
        const done = skip ? `skipped; ${applied} held events applied` : `${applied} held events applied`;
        await this.holds.finishIntervention(
          parked.intervention_id,
          failure
            ? `${done}; event ${failure.event.globalPosition} failed: ${describe(failure.error)}`
            : done,
          m,
        );
      }
      return applied;
    });
  }

  private async inTransaction<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    const runner = this.runner!;
    await this.definition.beforeBatch?.();
    await runner.startTransaction();
    try {
      // Before the checkpoint is read: a rebuild swapping this processor's tables in waits for the batch under
      // way, and the next batch waits for the swap, then reads the checkpoint the swap set.
      await runner.query(PROCESSOR_BATCH_LOCK_SHARED, [this.definition.name]);
      const result = await work(runner.manager);
      await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }

  private async dropConnection(): Promise<void> {
    const runner = this.runner;
    this.runner = null;
    if (!runner || runner.isReleased) {
      this.leader = false;
      return;
    }
    if (this.leader) {
      await runner
        .query(`SELECT pg_advisory_unlock(hashtextextended('event-processor:' || $1, 0))`, [
          this.definition.name,
        ])
        .catch(() => undefined);
    }
    this.leader = false;
    await runner.release().catch(() => undefined);
  }

  private get batchSize(): number {
    return this.definition.batchSize ?? DEFAULT_BATCH_SIZE;
  }

  /**
   * Waits `ms`, or less: stop() always ends it, and a wake-up (poke) ends it too unless `wakeable` is false (the
   * batch gap, which appends must not cut short).
   */
  private sleep(ms: number, wakeable = true): Promise<void> {
    // Stopped while a batch was running: its wake came before this sleep and would be missed (a long poll
    // interval, now that wake-ups make one reasonable, would hold stop() up for all of it).
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      if (wakeable) this.wake = done;
      else this.halt = done;
    });
  }
}

/** The order subscribers read events in: by transaction id (a decimal xid8), then position. */
function order(a: FailedEvent, b: FailedEvent): number {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId);
  if (byTransaction !== 0n) return byTransaction < 0n ? -1 : 1;
  return a.globalPosition - b.globalPosition;
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}
