import { AsyncLocalStorage } from 'node:async_hooks';
import { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * One transaction for everything a command writes, begun at its first write and ended by whoever made it.
 * The HTTP layer runs a request that carries an Idempotency-Key in one, so that the key's record commits with
 * the command's events or not at all: a process killed before the commit leaves neither behind.
 */
export class CommandTransaction {
  private runner: QueryRunner | null = null;
  private opening: Promise<EntityManager> | null = null;
  private ended = false;
  private readonly whenCommitted: (() => void)[] = [];

  constructor(
    readonly dataSource: DataSource,
    /** The transaction's first statements, run as soon as it begins (an idempotency key's claim, say). */
    private readonly onBegin: (manager: EntityManager) => Promise<void> = async () => {},
  ) {}

  /** Whether anything has joined it: a command that wrote nothing has nothing to commit. */
  get begun(): boolean {
    return this.opening !== null;
  }

  /** The transaction's EntityManager, beginning the transaction at the first call. */
  manager(): Promise<EntityManager> {
    if (this.ended) throw new Error('The command transaction has already ended');
    this.opening ??= this.open();
    return this.opening;
  }

  /**
   * Work that must not happen unless the command's writes stand, and must not hold the transaction open while it
   * runs (a mail about them): run outside the transaction once it has committed (or at once, see commit), never
   * when it rolls back. Not awaited: the work keeps its own record of what it did (the mail ledger).
   */
  afterCommit(work: () => void): void {
    if (this.ended) throw new Error('The command transaction has already ended');
    this.whenCommitted.push(work);
  }

  /**
   * Runs `last` in the transaction and commits it; rolls back instead when either fails. A command that wrote
   * nothing has nothing to commit: its after-commit work runs at once.
   */
  async commit(last: (manager: EntityManager) => Promise<void> = async () => {}): Promise<void> {
    if (!this.opening) {
      this.ended = true;
      this.runCommitted();
      return;
    }
    try {
      await last(await this.opening);
      await this.runner!.commitTransaction();
    } catch (error) {
      // What failed is the answer: a rollback on a connection that was lost fails too (PostgreSQL has rolled the
      // transaction back already), and its error must not stand in for the connection's, which says 503.
      await this.rollback().catch(() => undefined);
      throw error;
    } finally {
      await this.release();
    }
    this.runCommitted();
  }

  async rollback(): Promise<void> {
    if (!this.opening || this.ended) return;
    await this.opening.catch(() => undefined);
    try {
      if (this.runner?.isTransactionActive) await this.runner.rollbackTransaction();
    } finally {
      await this.release();
    }
  }

  private runCommitted(): void {
    // Outside this transaction: what the work writes is its own, committed or not by itself.
    for (const work of this.whenCommitted.splice(0)) current.exit(work);
  }

  private async open(): Promise<EntityManager> {
    const runner = this.dataSource.createQueryRunner();
    this.runner = runner;
    await runner.connect();
    await runner.startTransaction();
    await this.onBegin(runner.manager);
    return runner.manager;
  }

  private async release(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    if (this.runner && !this.runner.isReleased) await this.runner.release();
  }
}

const current = new AsyncLocalStorage<CommandTransaction>();

/** Runs `work` with `transaction` as the one its writes join (see transactionally()). */
export function runInCommandTransaction<T>(
  transaction: CommandTransaction,
  work: () => Promise<T>,
): Promise<T> {
  return current.run(transaction, work);
}

/** The command transaction the current request runs in, when it is on this database. */
export function commandTransactionOn(dataSource: DataSource): CommandTransaction | undefined {
  const transaction = current.getStore();
  return transaction?.dataSource === dataSource ? transaction : undefined;
}

/**
 * Runs `work` in the current command's transaction when there is one (it then commits or rolls back with the
 * command), else in a transaction of its own: what every write that belongs to a command goes through.
 */
export async function transactionally<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const transaction = commandTransactionOn(dataSource);
  return transaction ? work(await transaction.manager()) : dataSource.transaction(work);
}

/**
 * Runs `work` once the current command's transaction has committed, outside it (see
 * CommandTransaction.afterCommit), or at once when the command runs in none: a mail about what the command did
 * goes only once what it did stands.
 */
export function afterCommandCommits(dataSource: DataSource, work: () => void): void {
  const transaction = commandTransactionOn(dataSource);
  if (transaction) transaction.afterCommit(work);
  else work();
}

/** Runs `work` in the request's command transaction, or in one of its own that commits when it is done. */
export async function inOneCommandTransaction<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  if (commandTransactionOn(dataSource)) return work();
  const transaction = new CommandTransaction(dataSource);
  try {
    const result = await runInCommandTransaction(transaction, work);
    await transaction.commit();
    return result;
  } catch (error) {
    await transaction.rollback();
    throw error;
  }
}

/**
 * Runs `work` (read a stream, decide, append to it) holding the stream's row, in the request's command transaction
 * or one of its own: writers to the stream wait for it, rather than outrunning each of its tries. Reads of the
 * store join that transaction (readerFor), so what `work` reads is what is committed and nothing moves meanwhile.
 *
 * `work` reads on the connection that holds the row (the `manager` given, or the store's reads, which join it):
 * reading on another from the pool, a hold could wait for a connection that the writers waiting on its row held.
 */
export async function holdingStream<T>(
  dataSource: DataSource,
  streamId: string,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return inOneCommandTransaction(dataSource, async () => {
    const manager = await commandTransactionOn(dataSource)!.manager();
    await manager.query('SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE', [streamId]);
    return work(manager);
  });
}
