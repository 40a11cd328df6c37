/**
 * What a checkpoint publishes, to be kept outside the database (printed in publications, `npm run log:digest`):
 * enough for `npm run log:verify` to recompute the root from the rows alone.
 */
export interface LogDigest {
  /** Root over the heads of every stream under the fence (see rootOfHeads), hex. */
  root: string;
  /**
   * The fence: a PostgreSQL transaction id (xid8, decimal). Every event of an earlier transaction id had committed
   * (or aborted) when the checkpoint was taken, and no later one can join them, so the set is fixed for good.
   */
  fence: string;
  /** The highest global position under the fence. */
  position: number;
  /** How many streams the root covers. */
  streams: number;
  /** When the checkpoint was taken (ISO 8601). */
  at: string;
}

/** The event a checkpoint appends to LOG_CHECKPOINTS_STREAM. */
export interface LogCheckpointed {
  type: 'LogCheckpointed';
  data: Omit<LogDigest, 'at'> & {
    /** The previous checkpoint's root, so the checkpoints chain too; null for the first. */
    previousRoot: string | null;
    previousFence: string | null;
  };
}

export const LOG_CHECKPOINTS_STREAM = 'log-checkpoints';

/** One line of text for a page footer or a document's metadata. */
export function describeDigest(digest: LogDigest): string {
  return `Log digest ${digest.root} (position ${digest.position}, fence ${digest.fence}, ${digest.at})`;
}
