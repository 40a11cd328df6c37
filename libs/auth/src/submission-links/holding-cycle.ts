import { DataSource, EntityManager } from 'typeorm';
import {
  CommandTransaction,
  commandTransactionOn,
  runInCommandTransaction,
} from '../../../event-store/src/index.js';
import { cycleStreamId } from '../../../returns/src/index.js';

/**
 * Runs `work` (read the cycle, decide, append to it) holding the cycle's row, in the request's command transaction
 * or one of its own. The morning the links go out, leads' uses land on the cycle many a second, and a write
 * decided on the cycle as read was outrun by one on each of its tries (409): the coordinator's reissue, a lead's
 * "send me a new link". Held, the uses wait for it (those that read the cycle before are decided again after);
 * what `work` reads is what is committed, which nothing can move on meanwhile.
 *
 * `work` reads through the `manager` it is given, on the connection that holds the row: reading on another from
 * the pool, a hold could wait for a connection that the writers waiting on its row were holding (a pool of 20,
 * all taken by draft saves of the cycle, left a reissue waiting until the pool's 10 s gave up, answered 503).
 */
export async function holdingCycle<T>(
  dataSource: DataSource,
  cycleId: string,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return inOneCommandTransaction(dataSource, async () => {
    const manager = await commandTransactionOn(dataSource)!.manager();
    await manager.query('SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE', [cycleStreamId(cycleId)]);
    return work(manager);
  });
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
