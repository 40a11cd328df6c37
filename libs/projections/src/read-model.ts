import { EntityManager } from 'typeorm';
import { StoredEvent } from '../../event-store/src/index.js';

/**
 * A read model as the rebuild sees it: the tables it owns and the same code that keeps them up to date as
 * events arrive. Everything in the tables must follow from the events, so emptying them and applying every
 * event again gives the same rows.
 */
export interface ReadModel {
  name: string;
  /**
   * Built anew beside the live ones (same names, in the rebuild's schema, found first on the search_path while
   * the events are replayed) and swapped in for them at the end.
   */
  tables: readonly string[];
  /** Keeps the model's incremental writers out until the transaction of the rebuild's swap ends. */
  lockForRebuild(manager: EntityManager): Promise<void>;
  /**
   * For a model kept by a named EventProcessor: its batches are kept out during the swap and its checkpoint is
   * moved to the end of the replay in the swap's transaction, so the processor carries on from there. The
   * replay leaves out the events that processor holds back or was told to skip, as the processor itself does.
   */
  processor?: string;
  /**
   * Applies a batch of events in order, exactly as the incremental path does; must be idempotent and name its
   * tables unqualified (the rebuild's search_path points them at the new tables). The rebuild applies a batch to
   * every model at once in one transaction, so a model writes only its own tables.
   */
  apply(events: readonly StoredEvent[], manager: EntityManager): Promise<void>;
  /**
   * Optional: an `apply` for one whole replay, which may remember what it did earlier in that replay to skip
   * work that would write the same rows again. The rebuild uses it when present; the rows must end as `apply`
   * would leave them.
   */
  replay?(): (events: readonly StoredEvent[], manager: EntityManager) => Promise<void>;
}
