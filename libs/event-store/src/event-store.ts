import type { PoolClient, QueryResultRow } from 'pg';
import { DataSource, EntityManager } from 'typeorm';
import { preparedQuery } from '../../database/src/index.js';
import { AppendStatement, appendStatements, AppendStatements } from './append-statements.js';
import { commandTransactionOn, transactionally } from './command-transaction.js';
import { AppendNotifier } from './append-notifier.js';
import { ConcurrencyError } from './concurrency.error.js';
import { Checkpoint, EventMetadata, ExpectedVersion, NewEvent, StoredEvent } from './event.js';
import { EventStoreHook, registeredEventStoreHooks, Sql } from './event-store-hooks.js';
import { PersonalData } from './personal-data/personal-data.js';
import { Upcasters } from './upcaster.js';

export interface EventStoreOptions {
  /**
   * The hooks this store runs (see event-store-hooks.ts). By default every hook registered in the process, read
   * at each call; a list given here replaces them (the append benchmark measures the store's own append this way).
   */
  hooks?: readonly EventStoreHook[];
}

export interface AppendOptions {
  /** When the events happened; the store's clock (now()) when omitted. Tests pass an injected clock. */
  recordedAt?: Date;
}

export interface AppendResult {
  /** The stream's version after the append. */
  nextExpectedVersion: number;
  firstPosition: number;
  lastPosition: number;
}

export interface StreamAppend {
  streamId: string;
  expectedVersion: ExpectedVersion;
  events: readonly NewEvent[];
}

export interface ReadStreamOptions {
  fromVersion?: number;
  /** Only events recorded at or before this instant: the stream as it stood then. */
  asAt?: Date;
}

interface EventRow {
  global_position: string;
  stream_id: string;
  version: number;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: Date;
  transaction_id: string;
}

const COLUMNS = `global_position, stream_id, version, type, schema_version, data, metadata, recorded_at,
  transaction_id::text AS transaction_id`;

const READ_STREAM = `SELECT ${COLUMNS} FROM events
  WHERE stream_id = $1 AND version >= $2 AND ($3::timestamptz IS NULL OR recorded_at <= $3)
  ORDER BY version`;

// The unnest's columns are named apart from the events' own, so COLUMNS stays unambiguous. A LATERAL subquery
// with OFFSET 0 (which keeps the planner from flattening it into a join) makes it one index range per stream:
// as a plain join, PostgreSQL's estimate of events per stream (plan and partnership streams are long) made it
// hash the whole table, 65-95 ms a call once a chase had 60,000 events to scan.
export const READ_STREAM_TAILS = `SELECT ${COLUMNS}
  FROM unnest($1::text[], $2::integer[]) AS tail(tail_stream_id, from_version)
  CROSS JOIN LATERAL (
    SELECT * FROM events WHERE stream_id = tail.tail_stream_id AND version >= tail.from_version OFFSET 0
  ) AS e
  ORDER BY stream_id, version`;

// One index range per stream, as READ_STREAM_TAILS: `stream_id = ANY(...)` of a few hundred streams was planned
// as a scan of the whole table, 165-210 ms a call in a rebuild of 100,000 events. Each id must be named once.
export const READ_STREAMS = `SELECT ${COLUMNS}
  FROM unnest($1::text[]) AS wanted(wanted_stream_id)
  CROSS JOIN LATERAL (
    SELECT * FROM events WHERE stream_id = wanted.wanted_stream_id
      AND ($2::timestamptz IS NULL OR recorded_at <= $2) OFFSET 0
  ) AS e
  ORDER BY stream_id, version`;

export const STREAM_VERSIONS = `SELECT s.stream_id, s.version
  FROM unnest($1::text[]) AS wanted(wanted_stream_id)
  CROSS JOIN LATERAL (
    SELECT stream_id, version FROM streams WHERE stream_id = wanted.wanted_stream_id OFFSET 0
  ) AS s`;

const READ_STREAM_TYPES = 'SELECT type FROM events WHERE stream_id = $1 ORDER BY version';

// The second stream's rows carry only their type: its data may be large and is not wanted.
const READ_STREAM_WITH_TYPES_OF = `
  SELECT ${COLUMNS}, false AS types_only FROM events WHERE stream_id = $1
  UNION ALL
  SELECT global_position, stream_id, version, type, schema_version, NULL, NULL, recorded_at,
         transaction_id::text, true FROM events WHERE stream_id = $2
  ORDER BY types_only, version`;

const UNIQUE_VIOLATION = '23505';

const CHAINED = appendStatements();

/** A stream read but not written, which must still stand at `version` (0: no stream) when the append commits. */
export interface UnchangedStream {
  streamId: string;
  version: number;
  /** Take a share lock on its row: wait for a writer of it still running (see appendWhileUnchanged). */
  wait?: boolean;
  /**
   * Event types that may have been appended since `version` without touching what the caller decided on: the
   * stream still stands if each event after `version` is one of these (a lead's use of a link, on the cycle a
   * return command checks is not closed).
   */
  movedOnlyBy?: readonly string[];
}

/** A stored event that could not be read (its upcast threw): where it is, and why. */
export interface UnreadableEvent {
  globalPosition: number;
  streamId: string;
  version: number;
  type: string;
  transactionId: string;
  error: Error;
}

export class EventStore {
  /** Names and addresses are sealed with their person's key on append and opened on read (see personal-data/). */
  private readonly personalData = new PersonalData();
  /** The append's statements; the benchmark's subclass swaps in the same ones without the hash chain. */
  protected readonly statements: AppendStatements = CHAINED;

  constructor(
    private readonly dataSource: DataSource,
    private readonly upcasters: Upcasters = new Upcasters(),
    private readonly options: EventStoreOptions = {},
  ) {}

  private get hooks(): readonly EventStoreHook[] {
    return this.options.hooks ?? registeredEventStoreHooks();
  }

  /**
   * Appends events to one stream atomically, or throws ConcurrencyError when the stream has moved on. Without
   * `sql`, the append joins the current command's transaction when there is one (see command-transaction.ts).
   * When no hook has anything to store, that is one statement, in autocommit outside a command's transaction.
   */
  async append(
    streamId: string,
    expectedVersion: ExpectedVersion,
    events: readonly NewEvent[],
    metadata: EventMetadata,
    options: AppendOptions = {},
    given?: Sql,
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error(`Nothing to append to ${streamId}`);
    const hooks = this.hooks.filter((hook) => hook.appliesTo(streamId, events));
    if (hooks.length === 0) {
      const command = given ? undefined : commandTransactionOn(this.dataSource);
      const sql: Sql = given ?? (command ? await command.manager() : this.dataSource);
      const stored = await this.personalData.seal(events, metadata, sql);
      return this.appendSealed(streamId, expectedVersion, stored, options, sql);
    }
    // What the hooks write commits with the events or not at all.
    const write = async (sql: Sql): Promise<AppendResult> => {
      const held = await this.heldByHooks(hooks, streamId, events, sql);
      const stored = await this.personalData.seal(held, metadata, sql);
      return this.appendSealed(streamId, expectedVersion, stored, options, sql);
    };
    return given ? write(given) : transactionally(this.dataSource, write);
  }

  /**
   * Appends to each stream (any version), the events of all of them sealed with one query for their people's
   * keys: for writers of many small appends at once (the mail ledger's batches), where a key query per append
   * would be half the round trips. In the transaction `manager` runs when one is given. Without one, appends that
   * take one statement (one stream, or one event to each of distinct streams, and no hook writes beside them) are
   * that statement alone, its own transaction with no BEGIN and COMMIT round trips (a key made for a new person
   * then commits on its own, which is harmless: a key nobody's data uses); others run in one transaction.
   */
  async appendEachAnyVersion(
    appends: readonly { streamId: string; events: readonly NewEvent[]; metadata: EventMetadata }[],
    options: AppendOptions,
    manager?: EntityManager,
  ): Promise<AppendResult[]> {
    const each = appends.map((a) => ({ ...a, expectedVersion: 'any' as const }));
    if (manager) return this.appendEach(each, options, manager);
    const oneStatement =
      (each.length === 1 || this.oneEach(each)) &&
      each.every((a) => !this.hooks.some((hook) => hook.appliesTo(a.streamId, a.events)));
    if (oneStatement) return this.appendEach(each, options, this.dataSource);
    return transactionally(this.dataSource, (m) => this.appendEach(each, options, m));
  }

  /**
   * Appends to each stream at its expected version in the transaction `manager` runs, the events of all of
   * them sealed with one query for their people's keys; throws ConcurrencyError at the first stream that has
   * moved on (the caller's transaction then holds none of them). For a job recording many streams at once (a
   * cycle's chases), where a key query per append would be half the round trips.
   */
  async appendEach(
    appends: readonly {
      streamId: string;
      expectedVersion: ExpectedVersion;
      events: readonly NewEvent[];
      metadata: EventMetadata;
    }[],
    options: AppendOptions,
    manager: EntityManager | DataSource,
  ): Promise<AppendResult[]> {
    const held = [];
    for (const a of appends) {
      if (a.events.length === 0) throw new Error(`Nothing to append to ${a.streamId}`);
      const hooks = this.hooks.filter((hook) => hook.appliesTo(a.streamId, a.events));
      held.push({ ...a, events: await this.heldByHooks(hooks, a.streamId, a.events, manager) });
    }
    const sealed = await this.personalData.sealMany(held, manager);
    if (this.oneEach(held)) return this.appendOneEachSealed(held, sealed, options, manager);
    if (
      this.oneEach(held, true) &&
      manager instanceof EntityManager &&
      manager.queryRunner?.isTransactionActive
    ) {
      return this.appendOneEachAtVersionSealed(held, sealed, options, manager);
    }
    const results: AppendResult[] = [];
    for (const [i, a] of held.entries()) {
      results.push(await this.appendSealed(a.streamId, a.expectedVersion, sealed[i], options, manager));
    }
    return results;
  }

  /**
   * Several streams, distinct, each given one event, and each at any version (oneEachAnyVersion) or, `atVersion`,
   * none at any version (oneEachAtVersion).
   */
  private oneEach(
    appends: readonly { streamId: string; expectedVersion: ExpectedVersion; events: readonly NewEvent[] }[],
    atVersion = false,
  ): boolean {
    return (
      appends.length > 1 &&
      appends.every((a) => (a.expectedVersion === 'any') !== atVersion && a.events.length === 1) &&
      new Set(appends.map((a) => a.streamId)).size === appends.length
    );
  }

  /** One event to each of several streams, any version, in one statement (see oneEachAnyVersion). */
  private async appendOneEachSealed(
    appends: readonly { streamId: string }[],
    sealed: readonly { events: readonly NewEvent[]; metadata: EventMetadata }[],
    options: AppendOptions,
    manager: EntityManager | DataSource,
  ): Promise<AppendResult[]> {
    const rows = await this.oneEachStatement(
      this.statements.oneEachAnyVersion,
      appends,
      sealed,
      options,
      manager,
    );
    if (rows.size !== appends.length) {
      throw new Error(`appended ${rows.size} of ${appends.length} streams' events in one statement`);
    }
    return appends.map((a) => this.oneEachResult(rows.get(a.streamId)!));
  }

  /**
   * One event to each of several streams, each at its expected version, in one statement (see oneEachAtVersion),
   * in the caller's transaction: ConcurrencyError for the first stream that was not at its version, which the
   * caller's rollback takes back with the rest.
   */
  private async appendOneEachAtVersionSealed(
    appends: readonly { streamId: string; expectedVersion: ExpectedVersion }[],
    sealed: readonly { events: readonly NewEvent[]; metadata: EventMetadata }[],
    options: AppendOptions,
    manager: EntityManager,
  ): Promise<AppendResult[]> {
    const expected = appends.map((a) => (typeof a.expectedVersion === 'number' ? a.expectedVersion : 0));
    const rows = await this.oneEachStatement(
      this.statements.oneEachAtVersion,
      appends,
      sealed,
      options,
      manager,
      [expected],
    );
    for (const [i, a] of appends.entries()) {
      const row = rows.get(a.streamId);
      if (row?.version !== expected[i] + 1) {
        // A row at another version is a stream this statement made (it was missing); no row, one it left where
        // it stood, read in the transaction. Not on a second connection from the pool: the chase job holding
        // this one would wait for it, and with the pool's others held the same way, for the pool's 10 s.
        const actual = row ? null : await this.streamVersion(a.streamId, manager);
        throw new ConcurrencyError(a.streamId, a.expectedVersion, actual);
      }
    }
    return appends.map((a) => this.oneEachResult(rows.get(a.streamId)!));
  }

  /** Runs a one-each statement; its rows by stream (each stream is named once, whatever order RETURNING gives). */
  private async oneEachStatement(
    statement: AppendStatement,
    appends: readonly { streamId: string }[],
    sealed: readonly { events: readonly NewEvent[]; metadata: EventMetadata }[],
    options: AppendOptions,
    manager: EntityManager | DataSource,
    more: unknown[] = [],
  ): Promise<Map<string, { global_position: string; stream_id: string; version: number }>> {
    const events = sealed.map((s) => s.events[0]);
    const rows = await this.prepared<{ global_position: string; stream_id: string; version: number }>(
      manager,
      statement.name,
      statement.text,
      [
        appends.map((a) => a.streamId),
        events.map((e) => e.type),
        events.map((e) => e.schemaVersion ?? 1),
        events.map((e) => JSON.stringify(e.data ?? {})),
        sealed.map((s) => JSON.stringify(s.metadata)),
        options.recordedAt?.toISOString() ?? null,
        ...more,
      ],
    );
    AppendNotifier.of(this.dataSource).appendedThrough(
      manager === this.dataSource ? null : (manager as EntityManager).queryRunner,
    );
    return new Map(rows.map((row) => [row.stream_id, row]));
  }

  private oneEachResult(row: { global_position: string; version: number }): AppendResult {
    const position = Number(row.global_position);
    return { nextExpectedVersion: row.version, firstPosition: position, lastPosition: position };
  }

  private async heldByHooks(
    hooks: readonly EventStoreHook[],
    streamId: string,
    events: readonly NewEvent[],
    sql: Sql,
  ): Promise<readonly NewEvent[]> {
    let held = events;
    for (const hook of hooks) held = await hook.storing(streamId, held, sql);
    return held;
  }

  /** The append itself, once the hooks are done and personal data sealed: the one statement. */
  private async appendSealed(
    streamId: string,
    expectedVersion: ExpectedVersion,
    stored: { events: readonly NewEvent[]; metadata: EventMetadata },
    options: AppendOptions,
    sql: Sql,
  ): Promise<AppendResult> {
    const exact = typeof expectedVersion === 'number' && expectedVersion > 0;
    const versionOrAny = exact ? expectedVersion : expectedVersion === 'any';
    const recordedAt = options.recordedAt?.toISOString() ?? null;
    let statement: AppendStatement;
    let params: unknown[];
    if (stored.events.length === 1) {
      const [e] = stored.events;
      statement = exact ? this.statements.oneAtVersion : this.statements.oneNewOrAny;
      params = [
        streamId,
        e.type,
        e.schemaVersion ?? 1,
        JSON.stringify(e.data ?? {}),
        JSON.stringify(stored.metadata),
        recordedAt,
        versionOrAny,
      ];
    } else {
      statement = exact ? this.statements.manyAtVersion : this.statements.manyNewOrAny;
      params = [
        streamId,
        stored.events.length,
        JSON.stringify(
          stored.events.map((e) => ({
            type: e.type,
            schemaVersion: e.schemaVersion ?? 1,
            data: e.data ?? {},
          })),
        ),
        JSON.stringify(stored.metadata),
        recordedAt,
        versionOrAny,
      ];
    }
    let rows: { global_position: string; version: number }[];
    try {
      rows = await this.prepared(sql, statement.name, statement.text, params);
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
        // Read outside, on the pool (not through readerFor): a transaction the violation happened in is aborted
        // and answers nothing more.
        throw new ConcurrencyError(
          streamId,
          expectedVersion,
          await this.streamVersion(streamId, this.dataSource),
        );
      }
      throw error;
    }
    if (rows.length === 0) {
      throw new ConcurrencyError(streamId, expectedVersion, await this.streamVersion(streamId, sql));
    }
    AppendNotifier.of(this.dataSource).appendedThrough(
      sql === this.dataSource ? null : (sql as EntityManager).queryRunner,
    );
    return {
      nextExpectedVersion: rows[rows.length - 1].version,
      firstPosition: Number(rows[0].global_position),
      lastPosition: Number(rows[rows.length - 1].global_position),
    };
  }

  /**
   * Runs the append as a named prepared statement on the pg connection itself: PostgreSQL then parses and
   * plans it once per connection instead of on every append (measured: the largest cost with many writers).
   */
  private async prepared<Row>(sql: Sql, name: string, text: string, values: unknown[]): Promise<Row[]> {
    const runner = sql === this.dataSource ? null : (sql as EntityManager).queryRunner;
    if (sql === this.dataSource) return preparedQuery<Row>(this.dataSource, name, text, values);
    if (!runner) return sql.query(text, values);
    const client = (await runner.connect()) as PoolClient;
    return (await client.query<Row & QueryResultRow>({ name, text, values })).rows;
  }

  /**
   * Appends to several streams in one transaction (the current command's, when there is one): all of them, or
   * (on any conflict) none.
   */
  async appendMany(
    appends: readonly StreamAppend[],
    metadata: EventMetadata,
    options: AppendOptions = {},
    /** Streams read but not written, which must still stand at these versions (as in appendWhileUnchanged). */
    unchanged: readonly UnchangedStream[] = [],
  ): Promise<AppendResult[]> {
    return transactionally(this.dataSource, async (manager) => {
      const results: AppendResult[] = [];
      for (const a of appends) {
        results.push(await this.append(a.streamId, a.expectedVersion, a.events, metadata, options, manager));
      }
      await this.confirmUnchanged(unchanged, manager);
      return results;
    });
  }

  /**
   * Appends to one stream and, in the same transaction, confirms each of `unchanged` still stands at the version
   * the caller decided on (0: no stream), else throws ConcurrencyError naming it and appends nothing. A check
   * with `wait` takes a share lock on the stream's row, so it waits for a writer of that stream still running and
   * sees what it wrote: of two commands each checking the other's stream, one must wait, or both could pass
   * unseen by each other. The other side then checks without waiting, which keeps the two from deadlocking.
   */
  async appendWhileUnchanged(
    append: StreamAppend,
    unchanged: readonly UnchangedStream[],
    metadata: EventMetadata,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    const write = (manager: EntityManager) =>
      this.append(append.streamId, append.expectedVersion, append.events, metadata, options, manager);
    const command = commandTransactionOn(this.dataSource);
    if (!command) {
      // A transaction of its own: a refusal rolls all of it back, so no savepoint (two round trips) is needed.
      return this.dataSource.transaction(async (manager) => {
        const result = await write(manager);
        await this.confirmUnchanged(unchanged, manager);
        return result;
      });
    }
    const manager = await command.manager();
    // A command's own transaction goes on after a refusal here (the caller may decide again): the savepoint
    // takes back the append, so nothing is left half-written in it.
    await manager.query('SAVEPOINT append_while_unchanged');
    try {
      const result = await write(manager);
      await this.confirmUnchanged(unchanged, manager);
      await manager.query('RELEASE SAVEPOINT append_while_unchanged');
      return result;
    } catch (error) {
      // On a connection that was lost the rollback fails too, and the loss, not that, is the answer (503). Were it
      // to fail on a live one, the transaction is left aborted and its next statement or commit says so.
      await manager.query('ROLLBACK TO SAVEPOINT append_while_unchanged').catch(() => undefined);
      throw error;
    }
  }

  /** Throws ConcurrencyError for the first stream of `unchanged` not at its version (0: no stream), in order. */
  private async confirmUnchanged(
    unchanged: readonly UnchangedStream[],
    manager: EntityManager,
  ): Promise<void> {
    for (const u of unchanged) {
      const rows: { version: number }[] = await manager.query(
        `SELECT version FROM streams WHERE stream_id = $1${u.wait ? ' FOR SHARE' : ''}`,
        [u.streamId],
      );
      const version = rows[0]?.version ?? 0;
      if (version === u.version) continue;
      if (version > u.version && u.movedOnlyBy?.length) {
        // The events up to `version` have committed, as the row read says: what moved the stream since?
        const since: { moved: boolean }[] = await manager.query(
          `SELECT bool_and(type = ANY($3::text[])) AS moved FROM events WHERE stream_id = $1 AND version > $2`,
          [u.streamId, u.version, u.movedOnlyBy],
        );
        if (since[0]?.moved) continue;
      }
      throw new ConcurrencyError(u.streamId, u.version, version);
    }
  }

  /**
   * Where a command's reads go: `given`, else the command's transaction once it has begun (a decision made
   * again after being outrun, under an Idempotency-Key), else the pool. Read on the pool, each such retry held
   * its transaction's connection while it waited for a second: forty keyed saves of one return at once took the
   * pool's 20 and waited out its 10 s (503). Before the first write nothing is held, and reads use the pool.
   */
  private async readerFor(given?: Sql): Promise<Sql> {
    if (given) return given;
    const command = commandTransactionOn(this.dataSource);
    return command?.begun ? command.manager() : this.dataSource;
  }

  /** The version of the stream's last event, or null when the stream does not exist. */
  async streamVersion(streamId: string, given?: Sql): Promise<number | null> {
    const sql = await this.readerFor(given);
    const rows: { version: number }[] = await sql.query('SELECT version FROM streams WHERE stream_id = $1', [
      streamId,
    ]);
    return rows.length > 0 ? rows[0].version : null;
  }

  /** The versions of several streams in one round trip; a stream that does not exist is left out. */
  async streamVersions(streamIds: readonly string[], given?: Sql): Promise<Map<string, number>> {
    const sql = await this.readerFor(given);
    const rows: { stream_id: string; version: number }[] = await sql.query(STREAM_VERSIONS, [
      [...new Set(streamIds)],
    ]);
    return new Map(rows.map((r) => [r.stream_id, r.version]));
  }

  async readStream<E extends NewEvent = NewEvent>(
    streamId: string,
    options: ReadStreamOptions = {},
    given?: Sql,
  ): Promise<StoredEvent<E>[]> {
    const sql = await this.readerFor(given);
    // Every command loads its stream first: prepared, like the append (see prepared()).
    const rows = await this.prepared<EventRow>(sql, 'event_store_read_stream', READ_STREAM, [
      streamId,
      options.fromVersion ?? 1,
      options.asAt?.toISOString() ?? null,
    ]);
    await this.personalData.open(rows, sql);
    return this.throughHooks(
      rows.map((row) => this.toStoredEvent<E>(row)),
      sql,
    );
  }

  /**
   * The types of a stream's events in version order, without their data: enough to know where a lifecycle
   * stands without reading (and parsing) large events such as a cycle's CycleOpened with every return in it.
   */
  async readStreamTypes(streamId: string, given?: Sql): Promise<string[]> {
    const sql = await this.readerFor(given);
    const rows = await this.prepared<{ type: string }>(
      sql,
      'event_store_read_stream_types',
      READ_STREAM_TYPES,
      [streamId],
    );
    return rows.map((r) => r.type);
  }

  /**
   * A whole stream and the event types of another, in one round trip: what a command needs when its rules
   * depend on where a second lifecycle stands (a return's on its cycle's), without paying a second query.
   */
  async readStreamWithTypesOf<E extends NewEvent = NewEvent>(
    streamId: string,
    typesOfStreamId: string,
  ): Promise<{ events: StoredEvent<E>[]; types: string[] }> {
    const sql = await this.readerFor();
    const rows = await this.prepared<EventRow & { types_only: boolean }>(
      sql,
      'event_store_read_stream_with_types_of',
      READ_STREAM_WITH_TYPES_OF,
      [streamId, typesOfStreamId],
    );
    await this.personalData.open(rows, sql);
    const events: StoredEvent<E>[] = [];
    const types: string[] = [];
    for (const row of rows) {
      if (row.types_only) types.push(row.type);
      else events.push(this.toStoredEvent<E>(row));
    }
    return { events: await this.throughHooks(events, sql), types };
  }

  /** Several whole streams in one round trip, each in version order. */
  async readStreams<E extends NewEvent = NewEvent>(
    streamIds: readonly string[],
    options: Pick<ReadStreamOptions, 'asAt'> = {},
    given?: Sql,
  ): Promise<Map<string, StoredEvent<E>[]>> {
    const sql = await this.readerFor(given);
    const rows: EventRow[] = await sql.query(READ_STREAMS, [
      [...new Set(streamIds)],
      options.asAt?.toISOString() ?? null,
    ]);
    await this.personalData.open(rows, sql);
    return this.byStream<E>(streamIds, rows, sql);
  }

  /**
   * The events of several streams from a version on, in one round trip: what a reader that keeps folded state
   * needs to bring it up to date (from its version + 1), or a whole stream (from 1). Prepared, because the chase
   * mail jobs run it once per mail.
   */
  async readStreamTails<E extends NewEvent = NewEvent>(
    fromVersions: ReadonlyMap<string, number>,
    given?: Sql,
  ): Promise<Map<string, StoredEvent<E>[]>> {
    const sql = await this.readerFor(given);
    const ids = [...fromVersions.keys()];
    const rows = await this.prepared<EventRow>(sql, 'event_store_read_stream_tails', READ_STREAM_TAILS, [
      ids,
      ids.map((id) => fromVersions.get(id)!),
    ]);
    await this.personalData.open(rows, sql);
    return this.byStream<E>(ids, rows, sql);
  }

  /** Rows of several streams, in version order within each, as one list per stream (empty for none). */
  private async byStream<E extends NewEvent>(
    streamIds: readonly string[],
    rows: readonly EventRow[],
    sql: Sql,
  ): Promise<Map<string, StoredEvent<E>[]>> {
    const events = await this.throughHooks(
      rows.map((row) => this.toStoredEvent<E>(row)),
      sql,
    );
    const streams = new Map<string, StoredEvent<E>[]>(streamIds.map((id) => [id, []]));
    for (const event of events) streams.get(event.streamId)!.push(event);
    return streams;
  }

  /** Events as read, through every hook's `reading` (what a hook held apart put back), in registration order. */
  private async throughHooks<E extends NewEvent>(
    events: StoredEvent<E>[],
    sql: Sql,
  ): Promise<StoredEvent<E>[]> {
    let read = events;
    for (const hook of this.hooks) read = await hook.reading(read, sql);
    return read;
  }

  /**
   * Reads the next batch for a subscriber, in (transaction id, position) order. It never reads past the oldest
   * transaction of this database still in flight (event_fence(): one in another database does not count, as it
   * cannot write here), so an event whose transaction commits after a later-numbered one can never be skipped:
   * it is simply not visible to anyone until every earlier transaction id of this database has finished.
   *
   * Given `unreadable`, an event whose upcast throws is put there instead of failing the whole batch (the
   * checkpoint still passes it), so a processor can hold that one event back and go on with the rest.
   */
  async readAll(
    after: Checkpoint,
    batchSize: number,
    sql: Sql = this.dataSource,
    unreadable?: UnreadableEvent[],
  ): Promise<{ events: StoredEvent[]; checkpoint: Checkpoint }> {
    // ORDER BY must name the table's xid8 column: the bare name would sort the ::text alias, and "100000"
    // sorts before "99999".
    const rows: EventRow[] = await sql.query(
      `SELECT ${COLUMNS} FROM events
       WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
         AND transaction_id < (SELECT event_fence())
       ORDER BY events.transaction_id, events.global_position
       LIMIT $3`,
      [after.transactionId, after.globalPosition, batchSize],
    );
    await this.personalData.open(rows, sql);
    const events = await this.throughHooks(this.toStoredEvents(rows, unreadable), sql);
    const last = rows[rows.length - 1];
    return {
      events,
      checkpoint: last
        ? { transactionId: last.transaction_id, globalPosition: Number(last.global_position) }
        : after,
    };
  }

  /** Events by global position, in the order subscribers read them; `unreadable` as for readAll. */
  async readPositions(
    positions: readonly number[],
    sql: Sql = this.dataSource,
    unreadable?: UnreadableEvent[],
  ): Promise<StoredEvent[]> {
    const rows: EventRow[] = await sql.query(
      `SELECT ${COLUMNS} FROM events WHERE global_position = ANY($1::bigint[])
       ORDER BY events.transaction_id, events.global_position`,
      [positions],
    );
    await this.personalData.open(rows, sql);
    return this.throughHooks(this.toStoredEvents(rows, unreadable), sql);
  }

  private toStoredEvents(rows: readonly EventRow[], unreadable?: UnreadableEvent[]): StoredEvent[] {
    if (!unreadable) return rows.map((row) => this.toStoredEvent(row));
    const events: StoredEvent[] = [];
    for (const row of rows) {
      try {
        events.push(this.toStoredEvent(row));
      } catch (error) {
        unreadable.push({
          globalPosition: Number(row.global_position),
          streamId: row.stream_id,
          version: row.version,
          type: row.type,
          transactionId: row.transaction_id,
          error: error instanceof Error ? error : new Error(String(error)),
        });
      }
    }
    return events;
  }

  private toStoredEvent<E extends NewEvent>(row: EventRow): StoredEvent<E> {
    const { schemaVersion, data } = this.upcasters.apply(row.type, row.schema_version, row.data);
    return {
      globalPosition: Number(row.global_position),
      streamId: row.stream_id,
      version: row.version,
      type: row.type,
      schemaVersion,
      data: data as E['data'],
      metadata: row.metadata,
      recordedAt: row.recorded_at,
      transactionId: row.transaction_id,
    };
  }
}
