/**
 * Growth (issue 7, target f): the p50 latency of an append and of loading a return's stream (read and fold, as
 * a command handler does) with 1,000,000 events stored, against the same with 10,000 stored, in one run on one
 * database. The event log is filled with whole cycles by bulk SQL (bench/support/bulk-events.ts); every append
 * and load picks a random return of the whole log, so the larger log is also the colder one.
 *
 * The database is left filled for the projection rebuild benchmark that runs after it under `npm run bench`.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { aggregateStream, EventStore, NewEvent } from '../libs/event-store/src/index.js';
import { importPlan } from '../libs/plan/src/index.js';
import { ReturnEvent } from '../libs/returns/src/return/return.events.js';
import { evolveReturn, initialReturn, ReturnState } from '../libs/returns/src/return/return.state.js';
import { bulkCycles, eventsPerCycle } from './support/bulk-events.js';
import { figure, Figure } from './support/figures.js';
import { fmt, positiveNumber } from './support/options.js';
import { largePlan, planMeasures } from './support/plans.js';
import { Progress } from './support/progress.js';
import { sampleEvents, sampleMetadata } from './support/sample-events.js';
import { LatencyRecorder, median, percentile } from './support/stats.js';

export const SMALL_LOG = Math.round(positiveNumber('BENCH_GROWTH_SMALL', 10_000));
export const LARGE_LOG = Math.round(positiveNumber('BENCH_GROWTH_LARGE', 1_000_000, 100_000));
/**
 * Appends and loads per round: a fixed count rather than a time, so the appends measured at 10,000 events do not
 * grow the small log much past it (3 rounds x 500 add 1,500 events).
 */
const SAMPLES = Math.round(positiveNumber('BENCH_GROWTH_SAMPLES', 500, 200));
const ROUNDS = Math.round(positiveNumber('BENCH_GROWTH_ROUNDS', 3, 1));
const WARMUP_SAMPLES = 100;
/** Returns per bulk cycle: a county-sized plan. */
const MEASURES = 250;

export interface LogShape {
  partnershipId: string;
  planId: string;
  cyclePrefix: string;
  cycles: number;
  events: number;
}

interface Latencies {
  events: number;
  append: { p50Ms: number; p99Ms: number; samples: number; roundP50s: number[] };
  load: { p50Ms: number; p99Ms: number; samples: number; roundP50s: number[]; eventsPerStream: number };
}

export interface GrowthResult {
  figures: Figure[];
  log: LogShape;
}

/** Imports a 250-measure plan; the log then holds whole cycles of it (CycleDrafted .. CycleClosed). */
export async function startLog(dataSource: DataSource): Promise<LogShape> {
  const plan = largePlan(MEASURES);
  await importPlan(new EventStore(dataSource), plan, {
    actorId: 'bench',
    actorRole: 'coordinator',
    correlationId: randomUUID(),
  });
  const [{ count }] = await dataSource.query<{ count: number }[]>(
    'SELECT count(*)::int AS count FROM events',
  );
  return {
    partnershipId: plan.partnership.id,
    planId: plan.plan.id,
    cyclePrefix: 'bulk',
    cycles: 0,
    events: count,
  };
}

/** Adds whole cycles until the log holds at least `target` events, then VACUUM ANALYZE and CHECKPOINT. */
export async function growLog(
  dataSource: DataSource,
  log: LogShape,
  target: number,
  progress: Progress,
): Promise<LogShape> {
  const perCycle = eventsPerCycle(MEASURES);
  const cycles = Math.max(0, Math.ceil((target - log.events) / perCycle));
  if (cycles > 0) {
    const plan = largePlan(MEASURES);
    const start = performance.now();
    const before = log.events;
    progress.phase(`filling the event log to ${fmt(target)} events`, 0);
    await bulkCycles(dataSource, {
      partnershipId: log.partnershipId,
      planId: log.planId,
      measures: planMeasures(plan),
      cyclePrefix: log.cyclePrefix,
      firstCycle: log.cycles + 1,
      cycles,
      onProgress: (n) => progress.count(`filling the event log`, before + n, target),
    });
    const [{ count }] = await dataSource.query<{ count: number }[]>(
      'SELECT count(*)::int AS count FROM events',
    );
    progress.done(
      `event log: ${fmt(count)} events (${fmt((count - before) / ((performance.now() - start) / 1000))} events/s by bulk SQL)`,
    );
    log = { ...log, cycles: log.cycles + cycles, events: count };
  }
  await dataSource.query('VACUUM ANALYZE events');
  await dataSource.query('VACUUM ANALYZE streams');
  await dataSource.query('CHECKPOINT');
  return log;
}

/** p50/p99 of single-event appends and of stream loads on random returns, alternating over rounds. */
async function measure(dataSource: DataSource, label: string, progress: Progress): Promise<Latencies> {
  const store = new EventStore(dataSource);
  const rows = await dataSource.query<{ stream_id: string; version: number }[]>(
    `SELECT stream_id, version FROM streams WHERE stream_id LIKE 'return:%'`,
  );
  // Appends go to half the returns, loads read the other half, so a load always folds a valid history.
  const appendTo = rows.filter((_, i) => i % 2 === 0);
  const loadFrom = rows.filter((_, i) => i % 2 === 1).map((r) => r.stream_id);
  const events = sampleEvents();
  const appendLatency = new LatencyRecorder();
  const loadLatency = new LatencyRecorder();
  const appendRounds: number[] = [];
  const loadRounds: number[] = [];
  let eventsLoaded = 0;
  let loads = 0;
  const random = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)];

  const appendFor = async (count: number, recorder?: LatencyRecorder) => {
    for (let turn = 0; turn < count; turn++) {
      const target = random(appendTo);
      const event: NewEvent = events[turn % events.length];
      const t0 = performance.now();
      const result = await store.append(target.stream_id, target.version, [event], sampleMetadata());
      recorder?.record(performance.now() - t0);
      target.version = result.nextExpectedVersion;
    }
  };
  const loadFor = async (count: number, recorder?: LatencyRecorder) => {
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const { state, events: count } = await aggregateStream<ReturnState, ReturnEvent>(
        store,
        random(loadFrom),
        evolveReturn,
        initialReturn,
      );
      recorder?.record(performance.now() - t0);
      if (state.status === 'none') throw new Error('a bulk return did not load');
      eventsLoaded += count;
      loads++;
    }
  };

  const [{ count: before }] = await dataSource.query<{ count: number }[]>(
    'SELECT count(*)::int AS count FROM events',
  );
  progress.phase(`${label}: warm-up`, 0);
  await appendFor(WARMUP_SAMPLES);
  await loadFor(WARMUP_SAMPLES);
  for (let round = 1; round <= ROUNDS; round++) {
    const a = new LatencyRecorder();
    progress.phase(`${label}: ${SAMPLES} appends ${round}/${ROUNDS}`, 0);
    await appendFor(SAMPLES, a);
    appendRounds.push(percentile(a.sorted(), 50));
    a.sorted().forEach((v) => appendLatency.record(v));
    const l = new LatencyRecorder();
    progress.phase(`${label}: ${SAMPLES} stream loads ${round}/${ROUNDS}`, 0);
    await loadFor(SAMPLES, l);
    loadRounds.push(percentile(l.sorted(), 50));
    l.sorted().forEach((v) => loadLatency.record(v));
  }
  const appendSorted = appendLatency.sorted();
  const loadSorted = loadLatency.sorted();
  const result: Latencies = {
    events: before,
    append: {
      p50Ms: percentile(appendSorted, 50),
      p99Ms: percentile(appendSorted, 99),
      samples: appendSorted.length,
      roundP50s: appendRounds,
    },
    load: {
      p50Ms: percentile(loadSorted, 50),
      p99Ms: percentile(loadSorted, 99),
      samples: loadSorted.length,
      roundP50s: loadRounds,
      eventsPerStream: eventsLoaded / Math.max(1, loads),
    },
  };
  progress.done(
    `${label}: append p50 ${result.append.p50Ms.toFixed(2)} ms (rounds ${appendRounds.map((v) => v.toFixed(2)).join(', ')}), ` +
      `load p50 ${result.load.p50Ms.toFixed(2)} ms (rounds ${loadRounds.map((v) => v.toFixed(2)).join(', ')})`,
  );
  return result;
}

/**
 * Fills the (migrated, empty) database to SMALL_LOG events, measures, grows it to LARGE_LOG, measures again.
 * The median of the rounds' p50s is the figure, which keeps one noisy round (the machine is shared) out.
 */
export async function growthBenchmark(dataSource: DataSource, progress: Progress): Promise<GrowthResult> {
  let log = await startLog(dataSource);
  log = await growLog(dataSource, log, SMALL_LOG, progress);
  const small = await measure(dataSource, `growth at ${fmt(log.events)} events`, progress);
  log = await growLog(dataSource, log, LARGE_LOG, progress);
  const large = await measure(dataSource, `growth at ${fmt(log.events)} events`, progress);
  const row = (what: 'append' | 'load', name: string): Figure => {
    const value = median(large[what].roundP50s);
    const base = median(small[what].roundP50s);
    return figure({
      bench: 'growth',
      scenario: `${name} p50 at ${short(large.events)} vs ${short(small.events)} events`,
      unit: 'ms',
      value,
      baseline: { name: short(small.events), value: base },
      p50Ms: large[what].p50Ms,
      p99Ms: large[what].p99Ms,
      target: '<= 1.20x',
      met: value / base <= 1.2,
      detail: {
        small: small[what],
        large: large[what],
        smallEvents: small.events,
        largeEvents: large.events,
      },
    });
  };
  return { figures: [row('append', 'append 1 event'), row('load', 'load a return stream')], log };
}

function short(n: number): string {
  return n >= 1_000_000 ? `${fmt(n / 1_000_000, 1)}M` : n >= 1000 ? `${fmt(n / 1000)}k` : fmt(n);
}
