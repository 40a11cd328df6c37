/**
 * Growth (issue 7, target f): the p50 latency of an append and of loading a return's stream (read and fold, as
 * a command handler does) with 1,000,000 events stored, against the same with 10,000 stored. Each log is its
 * own database on the same server, filled with whole cycles by bulk SQL (bench/support/bulk-events.ts), and
 * the two are measured taking turns, one operation each: on a shared machine a comparison made minutes apart
 * measured the machine's load as much as the log (appends 4x apart in one run, loads of the same working set
 * 1.3x), and so did whole rounds taken in turn (appends, whose p50 is mostly the commit's fsync).
 *
 * The appends and loads of the target act on the returns of the newest cycles, as many at both sizes (the
 * cycles the small log holds): commands act on open cycles, so the returns they touch are a working set of
 * fixed size whatever the history behind them, and only the log's size differs between the two measurements.
 * Drawing from every return of the log instead measured PostgreSQL's cache against a working set 100 times
 * larger at 1,000,000 events (all 6 pages of a load in shared_buffers at 10,000, 4 of 7 read from outside it
 * at 1,000,000; with the same working set both sizes hit all of theirs). Loading any return of the whole log
 * (history) is still measured, as a figure of its own without a target.
 *
 * The large database is left filled for the projection rebuild benchmark that runs after it under `npm run bench`.
 */
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { aggregateStream, EventStore, NewEvent } from '../libs/event-store/src/index.js';
import { importPlan } from '../libs/plan/src/index.js';
import { ReturnEvent, evolveReturn, initialReturn, ReturnState } from '../libs/returns/src/index.js';
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

interface Series {
  p50Ms: number;
  p99Ms: number;
  samples: number;
  roundP50s: number[];
}

interface Latencies {
  events: number;
  /** Return streams the appends and loads of the target drew from. */
  liveReturns: number;
  append: Series;
  load: Series & { eventsPerStream: number };
  /** Loads of any return of the whole log: the colder the larger the log. */
  history: Series & { returns: number };
}

export interface GrowthResult {
  figures: Figure[];
  /** The large log, left for the rebuild benchmark. */
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

/** The return streams of the newest `cycles` cycles of the log, with their versions. */
async function liveReturns(
  dataSource: DataSource,
  log: LogShape,
  cycles: number,
): Promise<{ stream_id: string; version: number }[]> {
  const newest = Array.from({ length: cycles }, (_, i) => `return:${log.cyclePrefix}-${log.cycles - i}.%`);
  return dataSource.query(
    'SELECT stream_id, version FROM streams WHERE stream_id LIKE ANY($1::text[]) ORDER BY stream_id',
    [newest],
  );
}

const random = <T>(list: readonly T[]) => list[Math.floor(Math.random() * list.length)];

function series(recorder: LatencyRecorder, roundP50s: number[]): Series {
  const sorted = recorder.sorted();
  return {
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    samples: sorted.length,
    roundP50s,
  };
}

/**
 * One log under measurement: single-event appends and stream loads on random returns of its newest
 * `liveCycles` cycles, and loads on random returns of the whole log, each recorded by round.
 */
class MeasuredLog {
  private readonly store: EventStore;
  private readonly events = sampleEvents();
  private readonly rounds = { append: [] as number[], load: [] as number[], history: [] as number[] };
  private readonly all = {
    append: new LatencyRecorder(),
    load: new LatencyRecorder(),
    history: new LatencyRecorder(),
  };
  private eventsLoaded = 0;
  private loads = 0;
  private appends = 0;

  private constructor(
    readonly label: string,
    private readonly startEvents: number,
    dataSource: DataSource,
    private readonly appendTo: { stream_id: string; version: number }[],
    private readonly loadFrom: string[],
    private readonly history: string[],
  ) {
    this.store = new EventStore(dataSource);
  }

  static async open(dataSource: DataSource, log: LogShape, liveCycles: number): Promise<MeasuredLog> {
    const live = await liveReturns(dataSource, log, liveCycles);
    // Appends go to half the returns, loads read the other half, so a load always folds a valid history.
    const appendTo = live.filter((_, i) => i % 2 === 0);
    const appending = new Set(appendTo.map((r) => r.stream_id));
    const all = await dataSource.query<{ stream_id: string }[]>(
      `SELECT stream_id FROM streams WHERE stream_id LIKE 'return:%'`,
    );
    return new MeasuredLog(
      `${fmt(log.events)} events`,
      log.events,
      dataSource,
      appendTo,
      live.filter((_, i) => i % 2 === 1).map((r) => r.stream_id),
      all.map((r) => r.stream_id).filter((id) => !appending.has(id)),
    );
  }

  /** The same warm-up at both sizes: some appends, and every return the loads draw from read once. */
  async warmUp(): Promise<void> {
    for (let i = 0; i < WARMUP_SAMPLES; i++) await this.append();
    for (const streamId of this.loadFrom) await this.load(streamId);
    for (let i = 0; i < WARMUP_SAMPLES; i++) await this.loadAny();
  }

  /** One event appended to a random live return. */
  async append(recorder?: LatencyRecorder): Promise<void> {
    const target = random(this.appendTo);
    const event: NewEvent = this.events[this.appends++ % this.events.length];
    const t0 = performance.now();
    const result = await this.store.append(target.stream_id, target.version, [event], sampleMetadata());
    recorder?.record(performance.now() - t0);
    target.version = result.nextExpectedVersion;
  }

  /** A random live return loaded. */
  async loadLive(recorder?: LatencyRecorder): Promise<void> {
    this.eventsLoaded += await this.load(random(this.loadFrom), recorder);
    this.loads++;
  }

  /** Any return of the log loaded. */
  async loadAny(recorder?: LatencyRecorder): Promise<void> {
    await this.load(random(this.history), recorder);
  }

  /** A round's latencies: its p50 kept, and every sample for the overall p50 and p99. */
  record(what: 'append' | 'load' | 'history', recorder: LatencyRecorder): void {
    const sorted = recorder.sorted();
    this.rounds[what].push(percentile(sorted, 50));
    sorted.forEach((v) => this.all[what].record(v));
  }

  latencies(): Latencies {
    return {
      events: this.startEvents,
      liveReturns: this.appendTo.length + this.loadFrom.length,
      append: series(this.all.append, this.rounds.append),
      load: {
        ...series(this.all.load, this.rounds.load),
        eventsPerStream: this.eventsLoaded / Math.max(1, this.loads),
      },
      history: { ...series(this.all.history, this.rounds.history), returns: this.history.length },
    };
  }

  private async load(streamId: string, recorder?: LatencyRecorder): Promise<number> {
    const t0 = performance.now();
    const { state, events } = await aggregateStream<ReturnState, ReturnEvent>(
      this.store,
      streamId,
      evolveReturn,
      initialReturn,
    );
    recorder?.record(performance.now() - t0);
    if (state.status === 'none') throw new Error('a bulk return did not load');
    return events;
  }
}

/**
 * One round of `SAMPLES` operations on each log, taking turns one operation at a time, so that both logs meet
 * the same moments of a shared machine (the commit's fsync above all); each log records its round's p50.
 */
async function round(
  logs: readonly MeasuredLog[],
  what: 'append' | 'load' | 'history',
  operation: (measured: MeasuredLog, recorder: LatencyRecorder) => Promise<void>,
): Promise<void> {
  const recorders = logs.map(() => new LatencyRecorder());
  for (let i = 0; i < SAMPLES; i++) {
    for (const [j, measured] of logs.entries()) await operation(measured, recorders[j]);
  }
  logs.forEach((measured, j) => measured.record(what, recorders[j]));
}

/**
 * Fills `small` (migrated, empty) to SMALL_LOG events and `large` to LARGE_LOG, then measures both, taking
 * turns: appends and live loads round by round, then loads of any return, history last so that its reads do not
 * push the live returns out of the cache between rounds. The median of the rounds' p50s is the figure, which
 * keeps one noisy round (the machine is shared) out.
 */
export async function growthBenchmark(
  large: DataSource,
  small: DataSource,
  progress: Progress,
): Promise<GrowthResult> {
  const smallLog = await growLog(small, await startLog(small), SMALL_LOG, progress);
  const log = await growLog(large, await startLog(large), LARGE_LOG, progress);
  // The working set of both measurements: as many cycles as the small log holds.
  const liveCycles = smallLog.cycles;
  const logs = [
    await MeasuredLog.open(small, smallLog, liveCycles),
    await MeasuredLog.open(large, log, liveCycles),
  ];
  const sizes = logs.map((m) => m.label).join(' and ');
  progress.phase(`growth at ${sizes}: warm-up`, 0);
  for (const measured of logs) await measured.warmUp();
  for (let r = 1; r <= ROUNDS; r++) {
    progress.phase(`growth at ${sizes}: ${SAMPLES} appends and loads each ${r}/${ROUNDS}`, 0);
    await round(logs, 'append', (measured, recorder) => measured.append(recorder));
    await round(logs, 'load', (measured, recorder) => measured.loadLive(recorder));
  }
  for (let r = 1; r <= ROUNDS; r++) {
    progress.phase(`growth at ${sizes}: ${SAMPLES} loads of any return each ${r}/${ROUNDS}`, 0);
    await round(logs, 'history', (measured, recorder) => measured.loadAny(recorder));
  }
  const [smaller, larger] = logs.map((measured) => measured.latencies());
  const rounds = (values: number[]) => values.map((v) => v.toFixed(2)).join(', ');
  for (const [measured, l] of [
    [logs[0], smaller],
    [logs[1], larger],
  ] as const) {
    progress.done(
      `growth at ${measured.label}: append p50 ${l.append.p50Ms.toFixed(2)} ms (rounds ${rounds(l.append.roundP50s)}), ` +
        `load p50 ${l.load.p50Ms.toFixed(2)} ms (rounds ${rounds(l.load.roundP50s)}) on ${fmt(l.liveReturns)} live returns, ` +
        `any of ${fmt(l.history.returns)} returns p50 ${l.history.p50Ms.toFixed(2)} ms (rounds ${rounds(l.history.roundP50s)})`,
    );
  }
  const row = (what: 'append' | 'load' | 'history', name: string, targeted: boolean): Figure => {
    const value = median(larger[what].roundP50s);
    const base = median(smaller[what].roundP50s);
    return figure({
      bench: 'growth',
      scenario: `${name} p50 at ${short(larger.events)} vs ${short(smaller.events)} events`,
      unit: 'ms',
      value,
      baseline: { name: short(smaller.events), value: base },
      p50Ms: larger[what].p50Ms,
      p99Ms: larger[what].p99Ms,
      target: targeted ? '<= 1.20x' : '-',
      met: targeted ? value / base <= 1.2 : null,
      detail: {
        small: smaller[what],
        large: larger[what],
        smallEvents: smaller.events,
        largeEvents: larger.events,
        liveCycles,
        liveReturns: larger.liveReturns,
      },
    });
  };
  return {
    figures: [
      row('append', 'append 1 event', true),
      row('load', 'load a return stream', true),
      row('history', 'load any return of the log', false),
    ],
    log,
  };
}

function short(n: number): string {
  return n >= 1_000_000 ? `${fmt(n / 1_000_000, 1)}M` : n >= 1000 ? `${fmt(n / 1000)}k` : fmt(n);
}
