import { Logger } from '@nestjs/common';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { Checkpoint, START, StoredEvent } from './event.js';
import { EventStore } from './event-store.js';

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

export interface ProcessorRunOptions {
  pollIntervalMs?: number;
  /** How often a standby instance tries to take over the lock. */
  lockRetryMs?: number;
}

/**
 * Runs one named processor: at most one active instance across all processes (a session-level advisory lock
 * on its own connection), reading behind the event store's transaction fence and checkpointing in the same
 * transaction as its writes.
 */
export class EventProcessor {
  private readonly logger: Logger;
  private runner: QueryRunner | null = null;
  private leader = false;
  private stopped = true;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private readonly pollIntervalMs: number;
  private readonly lockRetryMs: number;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: EventStore,
    private readonly definition: ProcessorDefinition,
    options: ProcessorRunOptions = {},
  ) {
    this.logger = new Logger(`Processor:${definition.name}`);
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.lockRetryMs = options.lockRetryMs ?? 1000;
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
    this.loop = this.run();
  }

  /** Wakes a sleeping instance so new events are processed without waiting for the next poll. */
  poke(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.loop;
    this.loop = null;
  }

  /** Processes batches until none is left; returns how many events it applied. Needs the lock. */
  async drain(): Promise<number> {
    if (!(await this.ensureLeader())) return 0;
    let total = 0;
    for (let n = await this.processBatch(); n > 0; n = await this.processBatch()) total += n;
    return total;
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
        const applied = await this.processBatch();
        failures = 0;
        if (applied === 0) await this.sleep(this.pollIntervalMs);
      } catch (error) {
        failures += 1;
        this.logger.error(`batch failed (attempt ${failures}): ${(error as Error).message}`);
        await this.dropConnection();
        await this.sleep(Math.min(30_000, this.pollIntervalMs * 2 ** Math.min(failures, 8)));
      }
    }
    await this.dropConnection();
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
    const runner = this.runner!;
    await this.definition.beforeBatch?.();
    await runner.startTransaction();
    try {
      const from = await this.checkpoint(runner.manager);
      const { events, checkpoint } = await this.store.readAll(
        from,
        this.definition.batchSize ?? 500,
        runner.manager,
      );
      if (events.length > 0) {
        await this.definition.handle(events, runner.manager);
        await runner.query(
          `INSERT INTO processor_checkpoints (name, transaction_id, global_position, updated_at)
           VALUES ($1, $2::xid8, $3, now())
           ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
             global_position = EXCLUDED.global_position, updated_at = now()`,
          [this.definition.name, checkpoint.transactionId, checkpoint.globalPosition],
        );
      }
      await runner.commitTransaction();
      return events.length;
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

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }
}
