import { DataSource, EntityManager } from 'typeorm';
import { holdingStream } from '../../../event-store/src/index.js';
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
export function holdingCycle<T>(
  dataSource: DataSource,
  cycleId: string,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  return holdingStream(dataSource, cycleStreamId(cycleId), work);
}
