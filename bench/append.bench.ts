/**
 * `npm run bench:append`: events per second through EventStore.append, beside
 * - raw `BEGIN; INSERT; COMMIT` into an identical table (three round trips),
 * - one prepared `INSERT` in autocommit into an identical table (one round trip: the floor for an append),
 * - the same EventStore.append without the hash chain (the same statements built with `chained: false`; the
 *   difference is what issue 17 point 1's tamper-evident log costs),
 * - @event-driven-io/emmett-postgresql appending the same events to the same database,
 * all measured in the same run on the same server, the sides taking turns in every round (the order reversed
 * every other round). Compare the ratios, not the absolute figures: against the autocommit INSERT and against the
 * unchained append the ratio is the median of each round's ratio of neighbouring runs, with its spread, which
 * holds up better than a ratio of medians on a busy machine. `npm run bench` runs it too (appendBenchmark below).
 *
 * The store is built with no hooks: it measures the event store's own append. In the product a return's content
 * event also has its free texts held apart by the returns lib's hook (one more INSERT, in a transaction), and the
 * sample events are such events.
 *
 * Environment: BENCH_DATABASE_URL (server to use; a throwaway database is created on it and dropped at the end),
 * BENCH_SECONDS (per measured run, default 4), BENCH_WARMUP_SECONDS (default 1), BENCH_ROUNDS (default 3),
 * BENCH_WRITERS (default 1,8) and BENCH_EVENTS (events per append, default 1,10) to run fewer scenarios.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { getPostgreSQLEventStore, PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, openDatabase } from '../libs/database/src/index.js';
import { appendStatements, ConcurrencyError, EventStore, NewEvent } from '../libs/event-store/src/index.js';
import { createBaselineTable, dropBenchDatabase, throwawayDatabaseUrl } from './support/bench-database.js';
import { Progress } from './support/progress.js';
import { figure, Figure } from './support/figures.js';
import { fmt, numberList, positiveNumber } from './support/options.js';
import { averageDataBytes, sampleEvents, sampleMetadata } from './support/sample-events.js';
import { formatTable, LatencyRecorder, median, percentile } from './support/stats.js';
import { SCHEMA } from '../apps/composition/src/index.js';

const SECONDS = positiveNumber('BENCH_SECONDS', 4, 1);
const WARMUP_SECONDS = positiveNumber('BENCH_WARMUP_SECONDS', 1, 0.5);
const ROUNDS = Math.round(positiveNumber('BENCH_ROUNDS', 3, 1));
const WRITER_COUNTS = numberList('BENCH_WRITERS', [1, 8]);
const EVENTS_PER_APPEND = numberList('BENCH_EVENTS', [1, 10]);
/** Streams each writer cycles through, so consecutive appends touch different streams rows and index pages. */
const STREAMS_PER_WRITER = 32;

const EVENTS = sampleEvents();
let progress = new Progress();
let stopping = false;
/** Every event each side has written, warm-ups included, checked against the tables at the end. */
const written = { product: 0, unchained: 0, baseline: 0, autocommit: 0, emmett: 0 };

/** One concurrent writer: performs one append and says how many events it wrote. */
interface Writer {
  step(): Promise<number>;
}

/** Appends through the product, with the exact expected version each stream is at. */
class ProductWriter implements Writer {
  private readonly streams: { id: string; version: number }[];
  private turn = 0;

  constructor(
    private readonly store: EventStore,
    private readonly eventsPerAppend: number,
    prefix: string,
    private readonly counts: 'product' | 'unchained' = 'product',
  ) {
    this.streams = Array.from({ length: STREAMS_PER_WRITER }, (_, i) => ({
      id: `${prefix}.KSM-${String(i + 1).padStart(2, '0')}`,
      version: 0,
    }));
  }

  async step(): Promise<number> {
    const stream = this.streams[this.turn % this.streams.length];
    const events = pick(this.turn++, this.eventsPerAppend);
    const result = await this.store.append(
      stream.id,
      stream.version === 0 ? 'no_stream' : stream.version,
      events,
      sampleMetadata(),
    );
    if (result.nextExpectedVersion !== stream.version + events.length) {
      throw new Error(
        `${stream.id}: expected version ${stream.version + events.length}, got ${result.nextExpectedVersion}`,
      );
    }
    stream.version = result.nextExpectedVersion;
    written[this.counts] += events.length;
    return events.length;
  }
}

/**
 * The store with the same append statements minus the hash chain (no event_chain(), no SHA-256, no head hashes
 * kept): what the append costs without the tamper-evident log, the rest (Node side included) unchanged.
 */
class UnchainedEventStore extends EventStore {
  protected override readonly statements = appendStatements(false);
}

/**
 * The same rows with explicit versions as one prepared multi-row INSERT in autocommit: one round trip, nothing
 * checked but the table's own constraints. No append can do less, so this is the floor (issue 18 point 7).
 */
class AutocommitWriter implements Writer {
  private readonly streams: { id: string; version: number }[];
  private readonly sql: string;
  private readonly name: string;
  private turn = 0;

  constructor(
    private readonly pool: Pool,
    private readonly eventsPerAppend: number,
    prefix: string,
  ) {
    this.streams = Array.from({ length: STREAMS_PER_WRITER }, (_, i) => ({
      id: `${prefix}.KSM-${String(i + 1).padStart(2, '0')}`,
      version: 0,
    }));
    const rows = Array.from({ length: eventsPerAppend }, (_, r) => {
      const p = r * 6;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6})`;
    });
    this.sql = `INSERT INTO raw_autocommit_events (stream_id, version, type, schema_version, data, metadata) VALUES ${rows.join(', ')}`;
    this.name = `bench_autocommit_insert_${eventsPerAppend}`;
  }

  async step(): Promise<number> {
    const stream = this.streams[this.turn % this.streams.length];
    const events = pick(this.turn++, this.eventsPerAppend);
    const metadata = JSON.stringify(sampleMetadata());
    const params: unknown[] = [];
    events.forEach((e, i) => {
      params.push(
        stream.id,
        stream.version + i + 1,
        e.type,
        e.schemaVersion ?? 1,
        JSON.stringify(e.data),
        metadata,
      );
    });
    await this.pool.query({ name: this.name, text: this.sql, values: params });
    stream.version += events.length;
    written.autocommit += events.length;
    return events.length;
  }
}

/** The same rows with explicit versions: BEGIN; one multi-row INSERT; COMMIT (three round trips). */
class BaselineWriter implements Writer {
  private readonly streams: { id: string; version: number }[];
  private readonly sql: string;
  private turn = 0;

  constructor(
    private readonly pool: Pool,
    private readonly eventsPerAppend: number,
    prefix: string,
  ) {
    this.streams = Array.from({ length: STREAMS_PER_WRITER }, (_, i) => ({
      id: `${prefix}.KSM-${String(i + 1).padStart(2, '0')}`,
      version: 0,
    }));
    const rows = Array.from({ length: eventsPerAppend }, (_, r) => {
      const p = r * 6;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6})`;
    });
    this.sql = `INSERT INTO raw_events (stream_id, version, type, schema_version, data, metadata) VALUES ${rows.join(', ')}`;
  }

  async step(): Promise<number> {
    const stream = this.streams[this.turn % this.streams.length];
    const events = pick(this.turn++, this.eventsPerAppend);
    const metadata = JSON.stringify(sampleMetadata());
    const params: unknown[] = [];
    events.forEach((e, i) => {
      params.push(
        stream.id,
        stream.version + i + 1,
        e.type,
        e.schemaVersion ?? 1,
        JSON.stringify(e.data),
        metadata,
      );
    });
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(this.sql, params);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    stream.version += events.length;
    written.baseline += events.length;
    return events.length;
  }
}

/**
 * The same events through @event-driven-io/emmett-postgresql 0.42 (its own emt_streams / emt_messages tables in
 * the same database, the same pool size), with the exact expected version; 0n is its working "must be new".
 */
class EmmettWriter implements Writer {
  private readonly streams: { id: string; version: bigint }[];
  private turn = 0;

  constructor(
    private readonly store: PostgresEventStore,
    private readonly eventsPerAppend: number,
    prefix: string,
  ) {
    this.streams = Array.from({ length: STREAMS_PER_WRITER }, (_, i) => ({
      id: `${prefix}.KSM-${String(i + 1).padStart(2, '0')}`,
      version: 0n,
    }));
  }

  async step(): Promise<number> {
    const stream = this.streams[this.turn % this.streams.length];
    const events = pick(this.turn++, this.eventsPerAppend);
    const metadata = sampleMetadata();
    const result = await this.store.appendToStream(
      stream.id,
      events.map((e) => ({ type: e.type, data: e.data as Record<string, unknown>, metadata })),
      { expectedStreamVersion: stream.version },
    );
    const expected = stream.version + BigInt(events.length);
    if (result.nextExpectedStreamVersion !== expected) {
      throw new Error(
        `${stream.id}: emmett expected version ${expected}, got ${result.nextExpectedStreamVersion}`,
      );
    }
    stream.version = expected;
    written.emmett += events.length;
    return events.length;
  }
}

interface RunResult {
  events: number;
  appends: number;
  seconds: number;
  eventsPerSecond: number;
}

/** Runs every writer in a loop until the deadline; each keeps exactly one append in flight. */
async function run(
  writers: readonly Writer[],
  seconds: number,
  latency?: LatencyRecorder,
): Promise<RunResult> {
  let events = 0;
  let appends = 0;
  let failed = false;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    writers.map(async (writer) => {
      while (!stopping && !failed && performance.now() < deadline) {
        const t0 = performance.now();
        let written: number;
        try {
          // Not `events += await ...`: that reads `events` before the await and loses the other writers' counts.
          written = await writer.step();
        } catch (error) {
          failed = true;
          throw error;
        }
        latency?.record(performance.now() - t0);
        events += written;
        appends++;
      }
    }),
  );
  if (stopping) throw new Error('Interrupted');
  const elapsed = (performance.now() - start) / 1000;
  return { events, appends, seconds: elapsed, eventsPerSecond: events / elapsed };
}

/** Two sides stepped in turn by every writer, and what each side's appends took. */
interface InterleavedRun {
  /** Side a's events per second of its own appends' time against side b's. */
  ratio: number;
  a: { events: number; ms: number };
  b: { events: number; ms: number };
}

/**
 * Every writer appends through side a and side b in turn (a then b, then b then a, ...), each keeping one append in
 * flight, and each append is timed. Taking turns an append at a time, both sides see the same machine: on 2 shared
 * cores a side's 4 s run can land in a slow second the other's missed, which moved the turn-by-turn ratio of the
 * same statements from 0.74x to 0.99x between whole runs, where pgbench interleaving them gave 0.92-0.94x.
 */
async function interleave(
  a: readonly Writer[],
  b: readonly Writer[],
  seconds: number,
): Promise<InterleavedRun> {
  const sides = { a: { events: 0, ms: 0 }, b: { events: 0, ms: 0 } };
  let failed = false;
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    a.map(async (writerA, w) => {
      const writers = { a: writerA, b: b[w] };
      for (let turn = 0; !stopping && !failed && performance.now() < deadline; turn++) {
        for (const side of turn % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const)) {
          const t0 = performance.now();
          let written: number;
          try {
            written = await writers[side].step();
          } catch (error) {
            failed = true;
            throw error;
          }
          sides[side].ms += performance.now() - t0;
          sides[side].events += written;
        }
      }
    }),
  );
  if (stopping) throw new Error('Interrupted');
  const rate = (side: { events: number; ms: number }) => side.events / side.ms;
  return { ratio: rate(sides.a) / rate(sides.b), ...sides };
}

interface SideSummary {
  runs: number[];
  eventsPerSecond: number;
  appends: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** A ratio of two sides taken round by round (each round's runs side by side): the median and the spread. */
interface PairedRatio {
  median: number;
  min: number;
  max: number;
  rounds: number[];
}

interface ScenarioSummary {
  scenario: string;
  writers: number;
  eventsPerAppend: number;
  product: SideSummary;
  baseline: SideSummary;
  autocommit: SideSummary;
  unchained: SideSummary;
  emmett: SideSummary;
  ratio: number;
  ratioToEmmett: number;
  /** The product against one INSERT in autocommit (issue 18 point 7), the two interleaved append by append. */
  ratioToAutocommit: PairedRatio;
  /** The product against itself without the hash chain (issue 17 point 1), interleaved append by append. */
  chainRatio: PairedRatio;
  /** The same two ratios from the sides' own runs, taking turns 4 s at a time (the figures before 2026-12-06). */
  byRuns: { ratioToAutocommit: PairedRatio; chainRatio: PairedRatio };
}

function paired(product: readonly RunResult[], other: readonly RunResult[]): PairedRatio {
  return spreadOf(product.map((p, i) => p.eventsPerSecond / other[i].eventsPerSecond));
}

function spreadOf(rounds: number[]): PairedRatio {
  return { median: median(rounds), min: Math.min(...rounds), max: Math.max(...rounds), rounds };
}

const openResources = new Set<{ close(): Promise<void> }>();

async function scenario(
  url: string,
  writers: number,
  eventsPerAppend: number,
  index: number,
): Promise<ScenarioSummary> {
  const name = `${writers} writer${writers > 1 ? 's' : ''} x ${eventsPerAppend} event${eventsPerAppend > 1 ? 's' : ''}`;
  const label = `[${index}/${WRITER_COUNTS.length * EVENTS_PER_APPEND.length}] ${name}`;
  const dataSource = new DataSource(
    dataSourceOptions(url, SCHEMA, { extra: { max: writers, application_name: 'pr-bench-product' } }),
  );
  await dataSource.initialize();
  const pool = new Pool({ connectionString: url, max: writers, application_name: 'pr-bench-baseline' });
  const emmettPool = new Pool({ connectionString: url, max: writers, application_name: 'pr-bench-emmett' });
  // An idle client cut off by the final DROP DATABASE ... WITH (FORCE) must not crash the run.
  for (const p of [pool, emmettPool]) {
    p.on('error', (error) => {
      if (!stopping) progress.log(`baseline pool: ${error.message}`);
    });
  }
  const emmettStore = getPostgreSQLEventStore(url, {
    connectionOptions: { pool: emmettPool },
    schema: { autoMigration: 'None' },
  });
  const resources = {
    close: async () => {
      openResources.delete(resources);
      await Promise.allSettled([
        dataSource.isInitialized ? dataSource.destroy() : undefined,
        pool.end(),
        emmettStore.close().finally(() => (emmettPool.ended ? undefined : emmettPool.end())),
      ]);
    },
  };
  openResources.add(resources);
  try {
    // No hooks: the event store's own append (see the top of this file).
    const store = new EventStore(dataSource, undefined, { hooks: [] });
    const unchainedStore = new UnchainedEventStore(dataSource, undefined, { hooks: [] });
    const tag = `s${index}`;
    // Product and unchained share the events table, so their streams are named apart (same length).
    const product = Array.from(
      { length: writers },
      (_, w) => new ProductWriter(store, eventsPerAppend, `return:lsp-2026-q3-${tag}-w${w}`),
    );
    const unchained = Array.from(
      { length: writers },
      (_, w) =>
        new ProductWriter(unchainedStore, eventsPerAppend, `return:lsp-2026-q3-${tag}-u${w}`, 'unchained'),
    );
    const baseline = Array.from(
      { length: writers },
      (_, w) => new BaselineWriter(pool, eventsPerAppend, `return:lsp-2026-q3-${tag}-w${w}`),
    );
    const autocommit = Array.from(
      { length: writers },
      (_, w) => new AutocommitWriter(pool, eventsPerAppend, `return:lsp-2026-q3-${tag}-w${w}`),
    );
    const emmett = Array.from(
      { length: writers },
      (_, w) => new EmmettWriter(emmettStore, eventsPerAppend, `return:lsp-2026-q3-${tag}-w${w}`),
    );
    const sides = [
      { key: 'autocommit', label: 'one INSERT', writers: autocommit },
      { key: 'product', label: 'product', writers: product },
      { key: 'unchained', label: 'unchained', writers: unchained },
      { key: 'baseline', label: 'BEGIN/INSERT/COMMIT', writers: baseline },
      { key: 'emmett', label: 'emmett', writers: emmett },
    ] as const;
    type Side = (typeof sides)[number]['key'];

    // Warm-up: opens every pooled connection, creates each writer's streams, warms PostgreSQL's plan caches.
    for (const side of sides) {
      progress.phase(`${label}: warm-up ${side.label}`, WARMUP_SECONDS);
      await run(side.writers, WARMUP_SECONDS);
    }

    const runs = Object.fromEntries(sides.map((side) => [side.key, [] as RunResult[]])) as Record<
      Side,
      RunResult[]
    >;
    const latency = Object.fromEntries(sides.map((side) => [side.key, new LatencyRecorder()])) as Record<
      Side,
      LatencyRecorder
    >;
    const interleaved = { unchained: [] as number[], autocommit: [] as number[] };
    for (let round = 1; round <= ROUNDS; round++) {
      // Every other round in reverse, so no side always runs first or just after a given other.
      for (const side of round % 2 === 1 ? sides : [...sides].reverse()) {
        await checkpoint(dataSource);
        progress.phase(`${label}: ${side.label} ${round}/${ROUNDS}`, SECONDS);
        const r = await run(side.writers, SECONDS, latency[side.key]);
        runs[side.key].push(r);
        progress.done(
          `${name}: ${side.label.padEnd(19)} ${round}/${ROUNDS}: ${fmt(r.eventsPerSecond)} events/s`,
        );
      }
      for (const [key, otherLabel, other] of [
        ['unchained', 'unchained', unchained],
        ['autocommit', 'one INSERT', autocommit],
      ] as const) {
        await checkpoint(dataSource);
        progress.phase(`${label}: product and ${otherLabel} interleaved ${round}/${ROUNDS}`, SECONDS);
        const r = await interleave(product, other, SECONDS);
        interleaved[key].push(r.ratio);
        progress.done(
          `${name}: product against ${otherLabel} interleaved ${round}/${ROUNDS}: ${r.ratio.toFixed(2)}x`,
        );
      }
    }
    const summarise = (side: Side): SideSummary => {
      const sorted = latency[side].sorted();
      return {
        runs: runs[side].map((r) => Math.round(r.eventsPerSecond)),
        eventsPerSecond: median(runs[side].map((r) => r.eventsPerSecond)),
        appends: runs[side].reduce((sum, r) => sum + r.appends, 0),
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        maxMs: percentile(sorted, 100),
      };
    };
    const productSummary = summarise('product');
    const baselineSummary = summarise('baseline');
    const emmettSummary = summarise('emmett');
    return {
      scenario: name,
      writers,
      eventsPerAppend,
      product: productSummary,
      baseline: baselineSummary,
      autocommit: summarise('autocommit'),
      unchained: summarise('unchained'),
      emmett: emmettSummary,
      ratio: productSummary.eventsPerSecond / baselineSummary.eventsPerSecond,
      ratioToEmmett: productSummary.eventsPerSecond / emmettSummary.eventsPerSecond,
      ratioToAutocommit: spreadOf(interleaved.autocommit),
      chainRatio: spreadOf(interleaved.unchained),
      byRuns: {
        ratioToAutocommit: paired(runs.product, runs.autocommit),
        chainRatio: paired(runs.product, runs.unchained),
      },
    };
  } finally {
    await resources.close();
  }
}

/** Flushes dirty pages between runs, so a checkpoint does not land in the middle of one side's run only. */
async function checkpoint(dataSource: DataSource): Promise<void> {
  await dataSource.query('CHECKPOINT').catch(() => undefined);
}

/** Proves the version check is live before measuring it: a stale expected version must be refused. */
async function checkVersionCheck(store: EventStore): Promise<void> {
  const id = `return:check-${randomBytes(4).toString('hex')}`;
  const metadata = sampleMetadata();
  await store.append(id, 'no_stream', [EVENTS[0]], metadata);
  await store.append(id, 1, [EVENTS[1]], metadata);
  const stale = await store.append(id, 1, [EVENTS[2]], metadata).then(
    () => null,
    (error: unknown) => error,
  );
  if (!(stale instanceof ConcurrencyError)) {
    throw new Error(`A stale expected version was not refused: ${String(stale)}`);
  }
}

/** What the append benchmark measured: the scenarios and the run's settings. */
export interface AppendReport {
  postgres: string;
  secondsPerRun: number;
  warmupSeconds: number;
  rounds: number;
  streamsPerWriter: number;
  eventDataBytes: number;
  scenarios: ScenarioSummary[];
}

/**
 * Runs every scenario on a database that must not exist yet (it is created and migrated here; the caller drops
 * it): each writes the same events through the product, the raw baseline and emmett, alternating over rounds.
 */
export async function appendBenchmark(url: string, sharedProgress?: Progress): Promise<AppendReport> {
  if (sharedProgress) progress = sharedProgress;
  written.product = written.unchained = written.baseline = written.autocommit = written.emmett = 0;
  progress.log(`append: creating ${new URL(url).pathname.slice(1)} and running migrations`);
  const admin = await openDatabase(url, SCHEMA);
  const adminResource = {
    close: async () => {
      openResources.delete(adminResource);
      if (admin.isInitialized) await admin.destroy();
    },
  };
  openResources.add(adminResource);
  try {
    await createBaselineTable(admin);
    await createBaselineTable(admin, 'raw_autocommit_events');
    await checkVersionCheck(new EventStore(admin, undefined, { hooks: [] }));
    await createEmmettSchema(url);
    const [{ server_version: postgres }] =
      await admin.query<{ server_version: string }[]>('SHOW server_version');
    const eventDataBytes = averageDataBytes(EVENTS);
    progress.log(
      `append: PostgreSQL ${postgres}, node ${process.version}, ${cpus().length} CPUs; ${SECONDS}s runs x ` +
        `${ROUNDS} rounds per side after ${WARMUP_SECONDS}s warm-up; ~${eventDataBytes} bytes of data per event`,
    );

    const results: ScenarioSummary[] = [];
    let index = 0;
    for (const writers of WRITER_COUNTS) {
      for (const eventsPerAppend of EVENTS_PER_APPEND) {
        results.push(await scenario(url, writers, eventsPerAppend, ++index));
      }
    }

    // Every event the benchmark counted is in the tables (plus the 2 of checkVersionCheck's stream).
    // The unchained side's rows are the ones without a hash: the product's all have theirs.
    const [counts] = await admin.query<
      { product: number; unchained: number; baseline: number; autocommit: number; emmett: number }[]
    >(
      `SELECT (SELECT count(*) FROM events WHERE hash IS NOT NULL)::int AS product,
              (SELECT count(*) FROM events WHERE hash IS NULL)::int AS unchained,
              (SELECT count(*) FROM raw_events)::int AS baseline,
              (SELECT count(*) FROM raw_autocommit_events)::int AS autocommit,
              (SELECT count(*) FROM emt_messages)::int AS emmett`,
    );
    const expected = { ...written, product: written.product + 2 };
    if (
      (Object.keys(expected) as (keyof typeof expected)[]).some((side) => counts[side] !== expected[side])
    ) {
      throw new Error(
        `Counted ${JSON.stringify(expected)} events (product with a hash, unchained without), but the tables ` +
          `hold ${JSON.stringify(counts)}`,
      );
    }
    progress.log(
      `append: checked ${fmt(written.product)} product, ${fmt(written.unchained)} unchained, ` +
        `${fmt(written.baseline)} baseline, ${fmt(written.autocommit)} autocommit and ${fmt(written.emmett)} emmett ` +
        `events in the tables`,
    );
    return {
      postgres,
      secondsPerRun: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      rounds: ROUNDS,
      streamsPerWriter: STREAMS_PER_WRITER,
      eventDataBytes,
      scenarios: results,
    };
  } finally {
    await adminResource.close();
  }
}

const spread = (r: PairedRatio, byRuns: PairedRatio): string =>
  `interleaved append by append, round by round ${r.rounds.map((x) => x.toFixed(2)).join(', ')} (median ` +
  `${r.median.toFixed(2)}x); by 4 s turns ${byRuns.rounds.map((x) => x.toFixed(2)).join(', ')} (median ` +
  `${byRuns.median.toFixed(2)}x)`;

/**
 * The table rows: each scenario against raw SQL (issue 7's >= 0.7x) and against emmett (>= 1.0x); against one
 * INSERT in autocommit (issue 18 point 7: >= 0.9x for a single event; with 10 events untargeted); and against
 * itself without the hash chain (issue 17 point 1: within 10%).
 */
export function appendFigures(report: AppendReport): Figure[] {
  return report.scenarios.flatMap((r) => {
    const common = {
      bench: 'append',
      unit: 'events/s',
      value: r.product.eventsPerSecond,
      p50Ms: r.product.p50Ms,
      p99Ms: r.product.p99Ms,
    };
    return [
      figure({
        ...common,
        scenario: `${r.scenario} vs raw SQL`,
        baseline: { name: 'raw', value: r.baseline.eventsPerSecond },
        target: '>= 0.70x',
        met: r.ratio >= 0.7,
        detail: { product: r.product, baseline: r.baseline },
      }),
      figure({
        ...common,
        scenario: `${r.scenario} vs emmett`,
        baseline: { name: 'emmett', value: r.emmett.eventsPerSecond },
        target: '>= 1.00x',
        met: r.ratioToEmmett >= 1,
        detail: { emmett: r.emmett },
      }),
      figure({
        ...common,
        scenario: `${r.scenario} vs one INSERT (autocommit)`,
        baseline: { name: 'INSERT', value: r.autocommit.eventsPerSecond },
        ratio: r.ratioToAutocommit.median,
        target: r.eventsPerAppend === 1 ? '>= 0.90x' : '-',
        met: r.eventsPerAppend === 1 ? r.ratioToAutocommit.median >= 0.9 : null,
        note: spread(r.ratioToAutocommit, r.byRuns.ratioToAutocommit),
        detail: { autocommit: r.autocommit, ratio: r.ratioToAutocommit, byRuns: r.byRuns.ratioToAutocommit },
      }),
      figure({
        ...common,
        scenario: `${r.scenario} hash chain vs none`,
        baseline: { name: 'unchained', value: r.unchained.eventsPerSecond },
        ratio: r.chainRatio.median,
        target: '>= 0.90x',
        met: r.chainRatio.median >= 0.9,
        note: spread(r.chainRatio, r.byRuns.chainRatio),
        detail: { unchained: r.unchained, ratio: r.chainRatio, byRuns: r.byRuns.chainRatio },
      }),
    ];
  });
}

/** emmett's tables, created once before any timing (its default would create them on the first append). */
async function createEmmettSchema(url: string): Promise<void> {
  const pool = new Pool({ connectionString: url, max: 1 });
  const store = getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  try {
    await store.schema.migrate();
  } finally {
    await store.close().catch(() => undefined);
    if (!pool.ended) await pool.end();
  }
}

async function main(url: string): Promise<void> {
  const report = await appendBenchmark(url);
  const range = (r: PairedRatio) => `${r.median.toFixed(2)}x (${r.min.toFixed(2)}-${r.max.toFixed(2)})`;
  const table = formatTable(
    [
      'scenario',
      'product events/s',
      'one INSERT events/s',
      'ratio (spread)',
      'unchained events/s',
      'ratio (spread)',
      'BEGIN/INSERT/COMMIT',
      'ratio',
      'emmett events/s',
      'ratio',
      'product p50 ms',
      'product p99 ms',
    ],
    report.scenarios.map((r) => [
      r.scenario,
      fmt(r.product.eventsPerSecond),
      fmt(r.autocommit.eventsPerSecond),
      range(r.ratioToAutocommit),
      fmt(r.unchained.eventsPerSecond),
      range(r.chainRatio),
      fmt(r.baseline.eventsPerSecond),
      `${r.ratio.toFixed(2)}x`,
      fmt(r.emmett.eventsPerSecond),
      `${r.ratioToEmmett.toFixed(2)}x`,
      r.product.p50Ms.toFixed(2),
      r.product.p99Ms.toFixed(2),
    ]),
  );
  process.stdout.write(
    `\nEventStore.append vs one prepared INSERT in autocommit, vs itself without the hash chain (both: the two ` +
      `interleaved append by append, median and spread of the ratio round by round), vs BEGIN; INSERT; COMMIT and vs emmett-postgresql (medians of ` +
      `${ROUNDS} x ${SECONDS}s, PostgreSQL ${report.postgres}, node ${process.version}, ${cpus().length} CPUs, ` +
      `load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')})\n\n${table}\n\n`,
  );

  const dir = join(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'append.json');
  writeFileSync(
    file,
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        ...report,
      },
      null,
      2,
    ) + '\n',
  );
  progress.log(`wrote ${file}`);
}

let cleaning: Promise<void> | undefined;
/** Closes every pool, then drops the throwaway database. Safe to call more than once. */
function cleanup(url: string): Promise<void> {
  cleaning ??= (async () => {
    await Promise.allSettled([...openResources].map((r) => r.close()));
    await dropBenchDatabase(url).catch((error: unknown) =>
      progress.log(`could not drop ${new URL(url).pathname.slice(1)}: ${String(error)}`),
    );
  })();
  return cleaning;
}

/** Stops the running scenario at the next append (Ctrl-C under `npm run bench`). */
export function stopAppendBenchmark(): Promise<void> {
  stopping = true;
  return Promise.allSettled([...openResources].map((r) => r.close())).then(() => undefined);
}

function pick(turn: number, count: number): NewEvent[] {
  const start = (turn * count) % EVENTS.length;
  const events = EVENTS.slice(start, start + count);
  return events.length === count ? events : [...events, ...EVENTS.slice(0, count - events.length)];
}

if (require.main === module) {
  const url = throwawayDatabaseUrl();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(130); // a second Ctrl-C: leave at once
      stopping = true;
      progress.log(`${signal}: stopping, dropping ${new URL(url).pathname.slice(1)}`);
      void cleanup(url).finally(() => process.exit(130));
    });
  }
  main(url)
    .then(() => cleanup(url))
    .catch(async (error: unknown) => {
      await cleanup(url);
      if (!stopping) {
        console.error(error);
        process.exitCode = 1;
      }
    });
}
