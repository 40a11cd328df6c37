import { Logger } from '@nestjs/common';
import {
  DataSource,
  EntitySubscriberInterface,
  QueryRunner,
  TransactionCommitEvent,
  TransactionRollbackEvent,
} from 'typeorm';
import { EVENTS_APPENDED } from './append-wake-ups.js';

/** The least time from one notification's start to the next one's; under the processors' 20 ms batch gap. */
export const MIN_GAP_MS = 5;

/**
 * Tells the listening processors (AppendWakeUps) that events were committed, after the commit, in a statement of
 * its own. NOTIFY inside the appending transaction, as the trigger of migration EventsAppendedNotify1765094000200
 * did, makes PostgreSQL hold its notify lock from that transaction's pre-commit until its commit is flushed, so
 * every appending writer committed one at a time (pgbench, 8 clients: 3,370-4,470 tps with the trigger,
 * 8,150-8,390 without); a notification sent after the commit costs about nothing.
 *
 * Sends are coalesced: while one is in flight, any number of commits make one more afterwards, which covers them
 * all (a listener reads everything committed up to its read). And one starts at least MIN_GAP_MS after the one
 * before: a notification is a round trip and a commit of its own, and one per append was about a quarter of a
 * lone writer's append (bench/append.bench.ts, 1 writer: 0.56x of one INSERT with a notification per append,
 * 0.77x with none). The gap delays nothing the processors would have read sooner: after a batch that read events
 * they wait DEFAULT_BATCH_GAP_MS (20 ms) anyway, and the first commit after a quiet spell is announced at once.
 * A lost or failed notification only costs a poll.
 */
export class AppendNotifier implements EntitySubscriberInterface {
  private static readonly shared = new WeakMap<DataSource, AppendNotifier>();

  /** The one notifier of this DataSource, registered as its subscriber to hear its transactions commit. */
  static of(dataSource: DataSource): AppendNotifier {
    let notifier = AppendNotifier.shared.get(dataSource);
    if (!notifier) {
      notifier = new AppendNotifier(dataSource);
      AppendNotifier.shared.set(dataSource, notifier);
      dataSource.subscribers.push(notifier);
    }
    return notifier;
  }

  private readonly logger = new Logger('AppendNotifier');
  /** Transactions that appended and have not ended yet. */
  private readonly appended = new WeakSet<QueryRunner>();
  private sending: Promise<void> | null = null;
  /** A notification held back until MIN_GAP_MS after the last one started: idle() sends it at once. */
  private held: (() => void) | null = null;
  /** Commits came while a notification was in flight: one more is owed after it. */
  private again = false;
  private lastSentAt = -Infinity;

  private constructor(private readonly dataSource: DataSource) {}

  /**
   * Events were written through `runner` (null: in autocommit, already committed): notify now, or when its
   * transaction commits (a savepoint's release is not the commit).
   */
  appendedThrough(runner: QueryRunner | null | undefined): void {
    if (runner?.isTransactionActive) this.appended.add(runner);
    else this.notify();
  }

  afterTransactionCommit(event: TransactionCommitEvent): void {
    const runner = event.queryRunner;
    if (runner.isTransactionActive || !this.appended.has(runner)) return;
    this.appended.delete(runner);
    this.notify();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) this.appended.delete(event.queryRunner);
  }

  /** Resolves once no notification is being sent or held back: what was committed before the call is announced. */
  async idle(): Promise<void> {
    for (;;) {
      this.held?.();
      if (!this.sending) return;
      await this.sending;
    }
  }

  private notify(): void {
    // A held notification has not started yet, so it covers this commit too.
    if (this.held) return;
    if (this.sending) {
      this.again = true;
      return;
    }
    const wait = this.lastSentAt + MIN_GAP_MS - performance.now();
    if (wait <= 0) {
      this.send();
      return;
    }
    const send = () => {
      clearTimeout(timer);
      this.held = null;
      this.send();
    };
    // Not kept alive for it: a notification lost at exit only costs a poll.
    const timer = setTimeout(send, wait).unref();
    this.held = send;
  }

  private send(): void {
    if (!this.dataSource.isInitialized) return;
    this.lastSentAt = performance.now();
    this.sending = this.dataSource
      .query(`SELECT pg_notify('${EVENTS_APPENDED}', '')`)
      .then(
        () => undefined,
        (error: Error) => this.logger.debug(`no wake-up sent (${error.message}); processors poll`),
      )
      .finally(() => {
        this.sending = null;
        if (this.again) {
          this.again = false;
          this.notify();
        }
      });
  }
}
