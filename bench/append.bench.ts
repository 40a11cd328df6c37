/**
 * `npm run bench:append`: events per second through EventStore.append, beside raw `BEGIN; INSERT; COMMIT` into an
 * identical table, measured in the same run on the same server. Compare the ratio, not the absolute figures.
 *
 * Environment: BENCH_DATABASE_URL (server to use; a throwaway database is created on it and dropped at the end),
 * BENCH_SECONDS (per measured run, default 5), BENCH_WARMUP_SECONDS (default 1), BENCH_ROUNDS (default 2),
 * BENCH_WRITERS (default 1,8) and BENCH_EVENTS (events per append, default 1,10) to run fewer scenarios.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions, openDatabase } from '../libs/database/src/index.js';
import { ConcurrencyError, EventStore, NewEvent } from '../libs/event-store/src/index.js';
import { createBaselineTable, dropBenchDatabase, throwawayDatabaseUrl } from './support/bench-database.js';
import { Progress } from './support/progress.js';
import { averageDataBytes, sampleEvents, sampleMetadata } from './support/sample-events.js';
import { formatTable, LatencyRecorder, median, percentile } from './support/stats.js';

const SECONDS = positiveNumber('BENCH_SECONDS', 5);
const WARMUP_SECONDS = positiveNumber('BENCH_WARMUP_SECONDS', 1);
const ROUNDS = Math.round(positiveNumber('BENCH_ROUNDS', 2));
const WRITER_COUNTS = numberList('BENCH_WRITERS', [1, 8]);
const EVENTS_PER_APPEND = numberList('BENCH_EVENTS', [1, 10]);
/** Streams each writer cycles through, so consecutive appends touch different streams rows and index pages. */
const STREAMS_PER_WRITER = 32;

const EVENTS = sampleEvents();
const progress = new Progress();
let stopping = false;
/** Every event each side has written, warm-ups included, checked against the tables at the end. */
const written = { product: 0, baseline: 0 };

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
    written.product += events.length;
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

interface SideSummary {
  runs: number[];
  eventsPerSecond: number;
  appends: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface ScenarioSummary {
  scenario: string;
  writers: number;
  eventsPerAppend: number;
  product: SideSummary;
  baseline: SideSummary;
  ratio: number;
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
    dataSourceOptions(url, { extra: { max: writers, application_name: 'pr-bench-product' } }),
  );
  await dataSource.initialize();
  const pool = new Pool({ connectionString: url, max: writers, application_name: 'pr-bench-baseline' });
  // An idle client cut off by the final DROP DATABASE ... WITH (FORCE) must not crash the run.
  pool.on('error', (error) => {
    if (!stopping) progress.log(`baseline pool: ${error.message}`);
  });
  const resources = {
    close: async () => {
      openResources.delete(resources);
      await Promise.allSettled([dataSource.isInitialized ? dataSource.destroy() : undefined, pool.end()]);
    },
  };
  openResources.add(resources);
  try {
    const store = new EventStore(dataSource);
    const tag = `s${index}`;
    const product = Array.from(
      { length: writers },
      (_, w) => new ProductWriter(store, eventsPerAppend, `return:lsp-2026-q3-${tag}-w${w}`),
    );
    const baseline = Array.from(
      { length: writers },
      (_, w) => new BaselineWriter(pool, eventsPerAppend, `return:lsp-2026-q3-${tag}-w${w}`),
    );

    // Warm-up: opens every pooled connection, creates each writer's streams, warms PostgreSQL's plan caches.
    progress.phase(`${label}: warm-up baseline`, WARMUP_SECONDS);
    await run(baseline, WARMUP_SECONDS);
    progress.phase(`${label}: warm-up product`, WARMUP_SECONDS);
    await run(product, WARMUP_SECONDS);

    const productRuns: RunResult[] = [];
    const baselineRuns: RunResult[] = [];
    const productLatency = new LatencyRecorder();
    const baselineLatency = new LatencyRecorder();
    for (let round = 1; round <= ROUNDS; round++) {
      await checkpoint(dataSource);
      progress.phase(`${label}: baseline ${round}/${ROUNDS}`, SECONDS);
      const b = await run(baseline, SECONDS, baselineLatency);
      baselineRuns.push(b);
      progress.done(`${name}: baseline ${round}/${ROUNDS}: ${fmt(b.eventsPerSecond)} events/s`);

      await checkpoint(dataSource);
      progress.phase(`${label}: product ${round}/${ROUNDS}`, SECONDS);
      const p = await run(product, SECONDS, productLatency);
      productRuns.push(p);
      progress.done(`${name}: product  ${round}/${ROUNDS}: ${fmt(p.eventsPerSecond)} events/s`);
    }
    const summarise = (runs: RunResult[], latency: LatencyRecorder): SideSummary => {
      const sorted = latency.sorted();
      return {
        runs: runs.map((r) => Math.round(r.eventsPerSecond)),
        eventsPerSecond: median(runs.map((r) => r.eventsPerSecond)),
        appends: runs.reduce((sum, r) => sum + r.appends, 0),
        p50Ms: percentile(sorted, 50),
        p99Ms: percentile(sorted, 99),
        maxMs: percentile(sorted, 100),
      };
    };
    const productSummary = summarise(productRuns, productLatency);
    const baselineSummary = summarise(baselineRuns, baselineLatency);
    return {
      scenario: name,
      writers,
      eventsPerAppend,
      product: productSummary,
      baseline: baselineSummary,
      ratio: productSummary.eventsPerSecond / baselineSummary.eventsPerSecond,
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

async function main(url: string): Promise<void> {
  progress.log(`creating ${new URL(url).pathname.slice(1)} and running migrations`);
  const admin = await openDatabase(url);
  openResources.add({ close: () => (admin.isInitialized ? admin.destroy() : Promise.resolve()) });
  await createBaselineTable(admin);
  await checkVersionCheck(new EventStore(admin));
  const [{ server_version: postgres }] =
    await admin.query<{ server_version: string }[]>('SHOW server_version');
  const eventDataBytes = averageDataBytes(EVENTS);
  progress.log(
    `PostgreSQL ${postgres}, node ${process.version}, ${cpus().length} CPUs; ${SECONDS}s runs x ${ROUNDS} rounds ` +
      `per side after ${WARMUP_SECONDS}s warm-up; ~${eventDataBytes} bytes of data per event`,
  );

  const results: ScenarioSummary[] = [];
  let index = 0;
  for (const writers of WRITER_COUNTS) {
    for (const eventsPerAppend of EVENTS_PER_APPEND) {
      results.push(await scenario(url, writers, eventsPerAppend, ++index));
    }
  }

  // Every event the benchmark counted is in the tables (plus the 2 of checkVersionCheck's stream).
  const [counts] = await admin.query<{ product: number; baseline: number }[]>(
    `SELECT (SELECT count(*) FROM events)::int AS product, (SELECT count(*) FROM raw_events)::int AS baseline`,
  );
  if (counts.product !== written.product + 2 || counts.baseline !== written.baseline) {
    throw new Error(
      `Counted ${written.product} product and ${written.baseline} baseline events, ` +
        `but the tables hold ${counts.product - 2} and ${counts.baseline}`,
    );
  }
  progress.log(`checked: ${counts.product - 2} product and ${counts.baseline} baseline events in the tables`);

  const table = formatTable(
    ['scenario', 'product events/s', 'baseline events/s', 'ratio', 'product p50 ms', 'product p99 ms'],
    results.map((r) => [
      r.scenario,
      fmt(r.product.eventsPerSecond),
      fmt(r.baseline.eventsPerSecond),
      `${r.ratio.toFixed(2)}x`,
      r.product.p50Ms.toFixed(2),
      r.product.p99Ms.toFixed(2),
    ]),
  );
  process.stdout.write(
    `\nEventStore.append vs BEGIN; INSERT; COMMIT into an identical table (median of ${ROUNDS} x ${SECONDS}s, ` +
      `PostgreSQL ${postgres}, node ${process.version}, ${cpus().length} CPUs)\n\n${table}\n\n`,
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
        postgres,
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        secondsPerRun: SECONDS,
        warmupSeconds: WARMUP_SECONDS,
        rounds: ROUNDS,
        streamsPerWriter: STREAMS_PER_WRITER,
        eventDataBytes,
        scenarios: results,
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

function pick(turn: number, count: number): NewEvent[] {
  const start = (turn * count) % EVENTS.length;
  const events = EVENTS.slice(start, start + count);
  return events.length === count ? events : [...events, ...EVENTS.slice(0, count - events.length)];
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-GB');
}

/** A comma-separated list of positive integers, e.g. BENCH_WRITERS=8 to run only the 8-writer scenarios. */
function numberList(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const values = raw.split(',').map(Number);
  if (values.some((v) => !Number.isInteger(v) || v <= 0))
    throw new Error(`${name} must list positive integers`);
  return values;
}

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0)
    throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

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
