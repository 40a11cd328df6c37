import { DataSource } from 'typeorm';
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
 */
export async function holdingCycle<T>(
  dataSource: DataSource,
  cycleId: string,
  work: () => Promise<T>,
): Promise<T> {
  const hold = async () => {
    const manager = await commandTransactionOn(dataSource)!.manager();
    await manager.query('SELECT 1 FROM streams WHERE stream_id = $1 FOR UPDATE', [cycleStreamId(cycleId)]);
    return work();
  };
  if (commandTransactionOn(dataSource)) return hold();
  const transaction = new CommandTransaction(dataSource);
  try {
    const result = await runInCommandTransaction(transaction, hold);
    await transaction.commit();
    return result;
  } catch (error) {
    await transaction.rollback();
    throw error;
  }
}
