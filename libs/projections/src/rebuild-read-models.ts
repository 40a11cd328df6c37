import { DataSource, EntityManager, QueryRunner } from 'typeorm';
import {
  Checkpoint,
  EVENTS_APPENDED,
  EventStore,
  lockProcessorBatches,
  START,
  StoredEvent,
} from '../../event-store/src/index.js';
import { ProgressBar, ProgressStream } from './progress-bar.js';
import { ReadModel } from './read-model.js';

type Apply = (events: readonly StoredEvent[], manager: EntityManager) => Promise<void>;

/**
 * Events per batch unless told otherwise. Large batches pay: a batch that holds a whole stream is folded from
 * its own events instead of reading the stream again, and consecutive changes of one kind become one statement.
 * Each batch is one committed transaction, and a transaction holds back the event fence (every processor of
 * this database) from its first write to its commit: a batch must stay well under a second.
 */
export const DEFAULT_REBUILD_BATCH_SIZE = 10_000;

/** How long a batch's transaction should take: it holds back the relay and every processor until it commits. */
export const DEFAULT_BATCH_MS = 250;
/** Batches never get smaller than this (nor than the batch size asked for). */
const MIN_BATCH = 100;

/**
 * The size of the next batch, from how long the last ones took: scaled down at once when one took longer than
 * the target, grown by half when one took less than half of it, never above the batch size asked for.
 */
export class BatchSizer {
  size: number;

  constructor(
    private readonly max: number,
    private readonly targetMs: number,
  ) {
    this.size = Math.min(max, Math.max(MIN_BATCH, 1_000));
  }

  took(events: number, ms: number): void {
    const floor = Math.min(MIN_BATCH, this.max);
    if (ms > this.targetMs) this.size = Math.max(floor, Math.floor((events * this.targetMs) / ms));
    else if (ms < this.targetMs / 2 && events >= this.size)
      this.size = Math.min(this.max, Math.ceil(this.size * 1.5));
  }
}

/** Where the new tables are built: same names as the live ones, so the projection code runs unchanged. */
export const REBUILD_SCHEMA = 'read_models_rebuild';
/** Where the live tables go for the moment of the swap, dropped in the same transaction. */
const RETIRED_SCHEMA = 'read_models_retired';
/** One rebuild at a time per database (a session lock: a killed rebuild's connection ends and frees it). */
const REBUILD_LOCK = `hashtextextended('projections-rebuild', 0)`;

export interface RebuildResult {
  /** Events replayed into the tables swapped in, by this run and by the run it resumed. */
  events: number;
  /** Rows in each rebuilt table afterwards. */
  rows: Record<string, number>;
  ms: number;
  /** Events an earlier, interrupted run had already replayed into the new tables (0 for a fresh start). */
  resumedAt: number;
}

export interface RebuildOptions {
  /** The most events in one batch (REBUILD_BATCH_SIZE); batches are made smaller to keep to `batchMs`. */
  batchSize?: number;
  /** About how long one batch's transaction may take (default 250 ms); see BatchSizer. */
  batchMs?: number;
  progress?: ProgressStream;
  /** Called after each committed batch, with the events replayed so far (tests append commands meanwhile). */
  afterBatch?(replayed: number): Promise<void>;
}

/** A live table and where it lives. */
interface Table {
  schema: string;
  name: string;
}

/**
 * Rebuilds read models from the events without stopping anything (issue 18.2). The models' tables are built
 * anew, empty and alike, in schema `read_models_rebuild`, while the live ones keep serving and being updated:
 * every batch of events is applied there in a committed transaction of its own (with `search_path` putting that
 * schema first, so each model's own projection code writes its new tables) together with the rebuild's
 * checkpoint. Once every event behind the fence is in, one short transaction keeps the models' incremental
 * writers out (each model's rebuild lock, and its processor's batches), applies the few events that arrived
 * since, moves the processors' checkpoints to that point, and swaps the new tables in for the old ones (views
 * over them are pointed at the new ones). A failure or a kill leaves the live tables as they were; the next run
 * continues from the rebuild's checkpoint, or starts again when the models or their tables changed meanwhile.
 */
export async function rebuildReadModels(
  dataSource: DataSource,
  store: EventStore,
  models: readonly ReadModel[],
  options: RebuildOptions = {},
): Promise<RebuildResult> {
  const started = Date.now();
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const [{ locked }]: { locked: boolean }[] = await runner.query(
      `SELECT pg_try_advisory_lock(${REBUILD_LOCK}) AS locked`,
    );
    if (!locked) throw new Error('Another projections:rebuild is running on this database');
    try {
      return await rebuildWith(runner, store, models, options, started);
    } finally {
      // A connection that was lost mid-rebuild took the lock with it; failing to free it here must not hide
      // why the rebuild stopped (it said "Query runner already released" instead of the lost connection).
      await runner.query(`SELECT pg_advisory_unlock(${REBUILD_LOCK})`).catch(() => undefined);
    }
  } finally {
    await runner.release().catch(() => undefined);
  }
}

async function rebuildWith(
  runner: QueryRunner,
  store: EventStore,
  models: readonly ReadModel[],
  options: RebuildOptions,
  started: number,
): Promise<RebuildResult> {
  const tables = await liveTables(runner, models);
  const state = await prepareNewTables(runner, models, tables);
  const batchSize = options.batchSize ?? DEFAULT_REBUILD_BATCH_SIZE;
  const [{ total }]: { total: number }[] = await runner.query(
    `SELECT count(*)::int AS total FROM events WHERE transaction_id < (SELECT event_fence())`,
  );
  const bar = options.progress ? new ProgressBar(options.progress, total) : null;
  bar?.update(state.events);
  // One applier per model for this run: a model may skip what earlier batches of it already wrote.
  const appliers = models.map((model) => ({
    model,
    apply: model.replay?.() ?? model.apply.bind(model),
  }));
  let checkpoint = state.checkpoint;
  let replayed = state.events;
  // The next batch is read on a connection of its own while this one writes the current batch. A batch short of
  // the batch size reached the fence: what arrives after it is left to the swap. (Waiting for an empty read
  // would never end while commands keep arriving faster than a batch is written.)
  // Batches are sized to take about BATCH_MS each: a batch's transaction holds back the fence of every processor
  // of this database (the relay's lag) until it commits, however slow the machine is or how busy.
  const sizer = new BatchSizer(batchSize, options.batchMs ?? DEFAULT_BATCH_MS);
  let asked = sizer.size;
  let next: Promise<{ events: StoredEvent[]; checkpoint: Checkpoint }> | null = store.readAll(
    checkpoint,
    asked,
  );
  try {
    while (next) {
      const batch: { events: StoredEvent[]; checkpoint: Checkpoint } = await next;
      if (batch.events.length === 0) break;
      const reachedFence = batch.events.length < asked;
      asked = sizer.size;
      next = reachedFence ? null : store.readAll(batch.checkpoint, asked);
      replayed += batch.events.length;
      const t0 = performance.now();
      await inNewTables(runner, async (m) => {
        await applyAll(appliers, batch.events, m);
        await saveCheckpoint(m, batch.checkpoint, replayed);
      });
      sizer.took(batch.events.length, performance.now() - t0);
      checkpoint = batch.checkpoint;
      bar?.update(replayed);
      await options.afterBatch?.(replayed);
    }
  } catch (error) {
    // A failed apply leaves a read in flight: let it settle before the connection is given back.
    await next?.catch(() => undefined);
    throw error;
  }
  // Caught up with the fence: the swap, in one short transaction.
  replayed = await inNewTables(runner, async (m) => {
    for (const model of models) {
      await model.lockForRebuild(m);
      if (model.processor) await lockProcessorBatches(m, model.processor);
    }
    // What arrived since the last batch, applied while the incremental writers wait: the events behind the fence
    // as it stands now, and no later ones, so the swap ends however fast commands keep arriving. The later ones
    // reach the new tables through the processors and jobs, which carry on from here.
    const [{ fence }]: { fence: string }[] = await m.query(`SELECT event_fence()::text AS fence`);
    for (;;) {
      const { events } = await store.readAll(checkpoint, batchSize, m);
      const behind = events.filter((e) => BigInt(e.transactionId) < BigInt(fence));
      if (behind.length > 0) {
        await applyAll(appliers, behind, m);
        replayed += behind.length;
        const last = behind[behind.length - 1];
        checkpoint = { transactionId: last.transactionId, globalPosition: last.globalPosition };
      }
      if (behind.length < batchSize) break;
    }
    // Each processor carries on from exactly where the new tables stand: nothing applied twice or missed.
    for (const model of models.filter((x) => x.processor)) {
      await m.query(
        `INSERT INTO processor_checkpoints (name, transaction_id, global_position, updated_at)
         VALUES ($1, $2::xid8, $3, now())
         ON CONFLICT (name) DO UPDATE SET transaction_id = EXCLUDED.transaction_id,
           global_position = EXCLUDED.global_position, updated_at = now()`,
        [model.processor, checkpoint.transactionId, checkpoint.globalPosition],
      );
    }
    await swapIn(m, tables);
    return replayed;
  });
  bar?.finish(replayed);
  const rows: Record<string, number> = {};
  for (const table of tables) {
    const [{ count }]: { count: number }[] = await runner.query(
      `SELECT count(*)::int AS count FROM ${qualified(table)}`,
    );
    rows[table.name] = count;
  }
  return { events: replayed, rows, ms: Date.now() - started, resumedAt: state.events };
}

/** The models' tables as they are named now, resolved before the rebuild's schema is put in front. */
async function liveTables(runner: QueryRunner, models: readonly ReadModel[]): Promise<Table[]> {
  const names = models.flatMap((m) => m.tables);
  const rows: { schema: string; name: string }[] = await runner.query(
    `SELECT n.nspname AS schema, c.relname AS name
     FROM unnest($1::text[]) WITH ORDINALITY AS t(name, i)
     JOIN pg_class c ON c.oid = t.name::regclass JOIN pg_namespace n ON n.oid = c.relnamespace
     ORDER BY t.i`,
    [names],
  );
  return rows;
}

/**
 * What the new tables were made for: the models, their processors, and every live table's columns. A run that
 * finds the rebuild schema made for something else (a model added, a migration run since) starts again.
 */
async function fingerprintOf(
  runner: QueryRunner,
  models: readonly ReadModel[],
  tables: readonly Table[],
): Promise<string> {
  const [{ columns }]: { columns: string }[] = await runner.query(
    `SELECT string_agg(format('%s.%s %s %s', n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod)),
       ', ' ORDER BY n.nspname, c.relname, a.attnum) AS columns
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE a.attrelid = ANY($1::regclass[]) AND a.attnum > 0 AND NOT a.attisdropped`,
    [tables.map(qualified)],
  );
  const made = models.map((m) => `${m.name}/${m.processor ?? ''}/${m.tables.join(',')}`).join(';');
  return `${made}|${columns ?? ''}`;
}

/**
 * The rebuild schema as this run starts: kept, with its checkpoint, when an interrupted run made it for the same
 * models and tables; otherwise made anew, each table empty and like its live one (columns, defaults, checks,
 * keys and indexes under the same names, so the swapped-in tables are what the migrations made).
 */
async function prepareNewTables(
  runner: QueryRunner,
  models: readonly ReadModel[],
  tables: readonly Table[],
): Promise<{ checkpoint: Checkpoint; events: number }> {
  const fingerprint = await fingerprintOf(runner, models, tables);
  const [{ exists }]: { exists: boolean }[] = await runner.query(
    `SELECT to_regclass($1) IS NOT NULL AS exists`,
    [`${REBUILD_SCHEMA}.rebuild_state`],
  );
  if (exists) {
    const [state]: {
      fingerprint: string;
      transaction_id: string;
      global_position: string;
      events: string;
    }[] = await runner.query(
      `SELECT fingerprint, transaction_id::text AS transaction_id, global_position, events
         FROM ${REBUILD_SCHEMA}.rebuild_state`,
    );
    if (state?.fingerprint === fingerprint) {
      return {
        checkpoint: { transactionId: state.transaction_id, globalPosition: Number(state.global_position) },
        events: Number(state.events),
      };
    }
  }
  await runner.startTransaction();
  try {
    await runner.query(`DROP SCHEMA IF EXISTS ${REBUILD_SCHEMA} CASCADE`);
    await runner.query(`CREATE SCHEMA ${REBUILD_SCHEMA}`);
    for (const table of tables) {
      const target = `${REBUILD_SCHEMA}.${quote(table.name)}`;
      await runner.query(`CREATE TABLE ${target} (LIKE ${qualified(table)} INCLUDING ALL EXCLUDING INDEXES)`);
      // Keys and indexes by the live ones' names and definitions (LIKE would make up names of its own).
      const keys: { name: string; definition: string }[] = await runner.query(
        `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
         WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'x') ORDER BY conname`,
        [qualified(table)],
      );
      for (const key of keys)
        await runner.query(`ALTER TABLE ${target} ADD CONSTRAINT ${quote(key.name)} ${key.definition}`);
      const indexes: { definition: string }[] = await runner.query(
        `SELECT pg_get_indexdef(i.indexrelid) AS definition FROM pg_index i
         WHERE i.indrelid = $1::regclass
           AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
         ORDER BY i.indexrelid`,
        [qualified(table)],
      );
      for (const index of indexes)
        await runner.query(index.definition.replace(/ ON (ONLY )?\S+ USING /, ` ON ${target} USING `));
    }
    await runner.query(
      `CREATE TABLE ${REBUILD_SCHEMA}.rebuild_state (fingerprint text NOT NULL, transaction_id xid8 NOT NULL,
         global_position bigint NOT NULL, events bigint NOT NULL)`,
    );
    await runner.query(`INSERT INTO ${REBUILD_SCHEMA}.rebuild_state VALUES ($1, $2::xid8, $3, 0)`, [
      fingerprint,
      START.transactionId,
      START.globalPosition,
    ]);
    await runner.commitTransaction();
  } catch (error) {
    await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  }
  return { checkpoint: START, events: 0 };
}

/**
 * Runs `work` in a transaction whose unqualified table names find the new tables first: the models' own
 * projection code writes them, and the events and everything else are still found in their own schema.
 */
async function inNewTables<T>(runner: QueryRunner, work: (m: EntityManager) => Promise<T>): Promise<T> {
  await runner.startTransaction();
  try {
    await runner.query(
      `SELECT set_config('search_path', $1 || ', ' || current_setting('search_path'), true)`,
      [REBUILD_SCHEMA],
    );
    const result = await work(runner.manager);
    // While this transaction wrote it held back the fence: appends that committed meanwhile woke the processors
    // too early to see their events. Woken again at this commit, they read them at once, not at their next poll.
    await runner.query(`SELECT pg_notify($1, '')`, [EVENTS_APPENDED]);
    await runner.commitTransaction();
    return result;
  } catch (error) {
    await runner.rollbackTransaction().catch(() => undefined);
    throw error;
  }
}

/** The rebuild's checkpoint moves in the transaction of the batch it follows, so a kill never loses track. */
async function saveCheckpoint(m: EntityManager, checkpoint: Checkpoint, events: number): Promise<void> {
  await m.query(
    `UPDATE ${REBUILD_SCHEMA}.rebuild_state SET transaction_id = $1::xid8, global_position = $2, events = $3`,
    [checkpoint.transactionId, checkpoint.globalPosition, events],
  );
}

/**
 * Swaps the new tables in for the live ones, inside the caller's transaction: each live table moves to a
 * schema of its own and is dropped, each new one takes its place under its name, and the views over them are
 * made again from their own definitions so they read the new ones (a view follows the table it was made on, not
 * the name). Dropping each old table without CASCADE means anything else that still depended on one stops the
 * swap rather than being dropped with it.
 */
async function swapIn(m: EntityManager, tables: readonly Table[]): Promise<void> {
  const live = tables.map(qualified);
  const views: { name: string; definition: string; options: string[] | null }[] = await m.query(
    `SELECT DISTINCT v.oid::regclass::text AS name, pg_get_viewdef(v.oid) AS definition, v.reloptions AS options
     FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
     WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass
       AND d.refobjid = ANY($1::regclass[]) AND v.oid <> d.refobjid AND v.relkind = 'v'`,
    [live],
  );
  await m.query(`DROP SCHEMA IF EXISTS ${RETIRED_SCHEMA}`);
  await m.query(`CREATE SCHEMA ${RETIRED_SCHEMA}`);
  for (const table of tables) await m.query(`ALTER TABLE ${qualified(table)} SET SCHEMA ${RETIRED_SCHEMA}`);
  for (const table of tables)
    await m.query(`ALTER TABLE ${REBUILD_SCHEMA}.${quote(table.name)} SET SCHEMA ${quote(table.schema)}`);
  for (const view of views) {
    const withOptions = view.options?.length ? ` WITH (${view.options.join(', ')})` : '';
    await m.query(`CREATE OR REPLACE VIEW ${view.name}${withOptions} AS ${view.definition}`);
  }
  for (const table of tables) await m.query(`DROP TABLE ${RETIRED_SCHEMA}.${quote(table.name)}`);
  await m.query(`DROP SCHEMA ${RETIRED_SCHEMA}`);
  await m.query(`DROP TABLE ${REBUILD_SCHEMA}.rebuild_state`);
  await m.query(`DROP SCHEMA ${REBUILD_SCHEMA}`);
}

/**
 * Applies a batch to every model at once: their tables are disjoint, so their statements may interleave on the
 * transaction's connection, and one model's reads elsewhere overlap another's writes. A processor's model leaves
 * out what its processor holds back or was told to skip, as the processor does (read again for each batch, as
 * the processor does). Every model is waited for before a failure is passed on, so none sends a statement after
 * the transaction has been rolled back.
 */
async function applyAll(
  appliers: readonly { model: ReadModel; apply: Apply }[],
  events: readonly StoredEvent[],
  manager: EntityManager,
): Promise<void> {
  const results = await Promise.allSettled(
    appliers.map(async ({ model, apply }) => {
      if (!model.processor) return apply(events, manager);
      const leftOut = await heldOrSkipped(model.processor, manager);
      const kept = leftOut.size === 0 ? events : events.filter((e) => !leftOut.has(e.globalPosition));
      return apply(kept, manager);
    }),
  );
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

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

function qualified(table: Table): string {
  return `${quote(table.schema)}.${quote(table.name)}`;
}
