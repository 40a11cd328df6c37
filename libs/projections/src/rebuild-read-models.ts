import { DataSource, EntityManager } from 'typeorm';
import { EventStore, START, StoredEvent } from '../../event-store/src/index.js';
import { ProgressBar, ProgressStream } from './progress-bar.js';
import { ReadModel } from './read-model.js';

type Apply = (events: readonly StoredEvent[], manager: EntityManager) => Promise<void>;

/**
 * Events per batch unless told otherwise. Large batches pay: a batch that holds a whole stream is folded from
 * its own events instead of reading the stream again, and consecutive changes of one kind become one statement.
 */
export const DEFAULT_REBUILD_BATCH_SIZE = 10_000;

export interface RebuildResult {
  events: number;
  /** Rows in each rebuilt table afterwards. */
  rows: Record<string, number>;
  ms: number;
}

/**
 * Rebuilds read models from the events: in one transaction, takes each model's rebuild lock, empties its tables
 * and replays every event through the model's own projection code, a batch at a time. Readers and incremental
 * writers wait for the commit instead of ever seeing half-built tables; a failure leaves the old rows in place.
 */
export async function rebuildReadModels(
  dataSource: DataSource,
  store: EventStore,
  models: readonly ReadModel[],
  options: { batchSize?: number; progress?: ProgressStream } = {},
): Promise<RebuildResult> {
  const started = Date.now();
  return dataSource.transaction(async (manager) => {
    for (const model of models) await model.lockForRebuild(manager);
    const tables = models.flatMap((m) => m.tables);
    if (tables.length > 0) await manager.query(`TRUNCATE ${tables.join(', ')}`);
    // Only events behind the fence are replayed (as EventStore.readAll reads them); later ones reach the
    // tables through their own jobs once this transaction commits.
    const [{ total }]: { total: number }[] = await manager.query(
      `SELECT count(*)::int AS total FROM events WHERE transaction_id < (SELECT event_fence())`,
    );
    const bar = options.progress ? new ProgressBar(options.progress, total) : null;
    bar?.update(0);
    // One applier per model for this replay: a model may skip what earlier batches of it already wrote. A
    // processor's model leaves out what its processor holds back or was told to skip, as the processor does.
    const appliers: Apply[] = [];
    for (const model of models) {
      const apply = model.replay?.() ?? model.apply.bind(model);
      appliers.push(
        model.processor ? leavingOut(await heldOrSkipped(model.processor, manager), apply) : apply,
      );
    }
    // The next batch is read on a connection of its own while this one writes the current batch, so reading
    // and writing overlap. It reads the same events: the fence is the oldest transaction still running, and from
    // the TRUNCATE on this transaction is one of them, in every session alike.
    const batchSize = options.batchSize ?? DEFAULT_REBUILD_BATCH_SIZE;
    let checkpoint = START;
    let replayed = 0;
    let next = store.readAll(checkpoint, batchSize);
    try {
      for (;;) {
        const batch = await next;
        if (batch.events.length === 0) break;
        next = store.readAll(batch.checkpoint, batchSize);
        await applyAll(appliers, batch.events, manager);
        replayed += batch.events.length;
        checkpoint = batch.checkpoint;
        bar?.update(replayed);
      }
    } catch (error) {
      // A failed apply leaves a read in flight: let it settle before the transaction is rolled back.
      await next.catch(() => undefined);
      throw error;
    }
    bar?.finish(replayed);
    for (const model of models.filter((m) => m.processor)) {
      await manager.query(
        `INSERT INTO processor_checkpoints (name, transaction_id, global_position, updated_at)
         VALUES ($1, $2::xid8, $3, now())
         ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
           global_position = EXCLUDED.global_position, updated_at = now()`,
        [model.processor, checkpoint.transactionId, checkpoint.globalPosition],
      );
    }
    const rows: Record<string, number> = {};
    for (const table of tables) {
      const [{ count }]: { count: number }[] = await manager.query(
        `SELECT count(*)::int AS count FROM ${table}`,
      );
      rows[table] = count;
    }
    return { events: replayed, rows, ms: Date.now() - started };
  });
}

/**
 * Applies a batch to every model at once: their tables are disjoint, so their statements may interleave on the
 * transaction's connection, and one model's reads elsewhere overlap another's writes. Every model is waited for
 * before a failure is passed on, so none sends a statement after the transaction has been rolled back.
 */
async function applyAll(
  appliers: readonly Apply[],
  events: readonly StoredEvent[],
  manager: EntityManager,
): Promise<void> {
  const results = await Promise.allSettled(appliers.map((apply) => apply(events, manager)));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

/** The events a processor holds back (parked, and behind a parked one) or was told to skip. */
async function heldOrSkipped(processor: string, manager: EntityManager): Promise<Set<number>> {
  const rows: { global_position: string }[] = await manager.query(
    `SELECT global_position FROM held_events WHERE processor = $1
     UNION SELECT global_position FROM skipped_events WHERE processor = $1`,
    [processor],
  );
  return new Set(rows.map((r) => Number(r.global_position)));
}

function leavingOut(positions: ReadonlySet<number>, apply: Apply): Apply {
  if (positions.size === 0) return apply;
  return (events, manager) =>
    apply(
      events.filter((e) => !positions.has(e.globalPosition)),
      manager,
    );
}
