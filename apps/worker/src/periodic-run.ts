import { BeforeApplicationShutdown, Logger, OnApplicationBootstrap } from '@nestjs/common';

/** Where a run that failed is said: a Nest Logger, or anything with its warn. */
export interface PeriodicRunLog {
  warn(message: string): void;
}

export interface PeriodicRunOptions {
  /** How long from one tick to the next. */
  everyMs: number;
  /** Also run once at start (not awaited), rather than first after a full interval. */
  atStart: boolean;
  /** What failed, in the log's words: the warning is `${failed}: ${error.message}`. */
  failed: string;
  log: PeriodicRunLog;
  /**
   * How long stop waits for a run under way at most; unset, until it ends. What a run left undone must be safe to
   * leave to the next worker's run for this to be set.
   */
  stopWaitsAtMostMs?: number;
}

/**
 * A worker's timer job: started with the worker, run every `everyMs`, never two runs at once (a tick that comes
 * while the last run is still waiting, on a PostgreSQL or Redis that is away, is skipped rather than piled up),
 * a failed run said in the log and the next run still made, and stop waiting for the run under way, so shutdown
 * does not close the connections beneath it. The timer is unref'd: it alone never keeps the process up.
 */
export class PeriodicRun {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;

  constructor(
    private readonly run: () => Promise<void>,
    private readonly options: PeriodicRunOptions,
  ) {}

  start(): void {
    if (this.timer || this.stopped) return;
    // Not awaited: a PostgreSQL or Redis still away at start must not hold the worker's start-up.
    if (this.options.atStart) this.now();
    this.timer = setInterval(() => this.now(), this.options.everyMs);
    this.timer.unref();
  }

  /** Runs now, unless a run is under way (that one will do) or the job has stopped. */
  now(): void {
    if (this.running || this.stopped) return;
    this.running = Promise.resolve()
      .then(() => this.run())
      .catch((error: Error) => this.options.log.warn(`${this.options.failed}: ${error?.message ?? error}`))
      .finally(() => {
        this.running = null;
      });
  }

  /** No more runs; resolves when the one under way has ended (or after stopWaitsAtMostMs, if set). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const { stopWaitsAtMostMs } = this.options;
    if (stopWaitsAtMostMs === undefined) return this.running ?? undefined;
    let timeout: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((r) => (timeout = setTimeout(r, stopWaitsAtMostMs)))]);
    clearTimeout(timeout);
  }
}

/**
 * A worker service that is one PeriodicRun: started with the worker, and stopped at its shutdown, waiting for the
 * run under way. A subclass says what one run does; its failures are warned in its logger as `${failed}: ...`.
 */
export abstract class PeriodicJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  protected readonly logger: Logger;
  private readonly periodic: PeriodicRun;

  constructor(name: string, options: Omit<PeriodicRunOptions, 'log'>) {
    this.logger = new Logger(name);
    this.periodic = new PeriodicRun(() => this.runOnce(), { ...options, log: this.logger });
  }

  /** One run: the timer never starts another while it is under way. */
  protected abstract runOnce(): Promise<void>;

  onApplicationBootstrap(): void {
    this.periodic.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.periodic.stop();
  }

  /** Runs now, unless a run is under way or the job has stopped. */
  protected runNow(): void {
    this.periodic.now();
  }
}
