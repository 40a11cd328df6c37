import { PeriodicRun, PeriodicRunOptions } from './periodic-run.js';

/** A run that waits until let go: what a run on a PostgreSQL or Redis that is away does. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => (open = resolve));
  return { wait, open };
}

/** Lets every promise callback already due run (fake timers hold timers only). */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('PeriodicRun', () => {
  const warnings: string[] = [];
  const options = (more: Partial<PeriodicRunOptions> = {}): PeriodicRunOptions => ({
    everyMs: 1_000,
    atStart: true,
    failed: 'not swept',
    log: { warn: (message) => warnings.push(message) },
    ...more,
  });
  let periodic: PeriodicRun | undefined;

  beforeEach(() => {
    warnings.length = 0;
    jest.useFakeTimers();
  });
  afterEach(async () => {
    jest.useRealTimers();
    await periodic?.stop();
    periodic = undefined;
  });

  it('runs at start and every interval, or first after a full interval when not at start', async () => {
    let runs = 0;
    periodic = new PeriodicRun(async () => void runs++, options());
    periodic.start();
    await settle();
    expect(runs).toBe(1);
    for (let tick = 2; tick <= 4; tick++) {
      jest.advanceTimersByTime(1_000);
      await settle();
      expect(runs).toBe(tick);
    }

    let later = 0;
    const notAtStart = new PeriodicRun(async () => void later++, options({ atStart: false }));
    notAtStart.start();
    await settle();
    expect(later).toBe(0);
    jest.advanceTimersByTime(1_000);
    await settle();
    expect(later).toBe(1);
    await notAtStart.stop();
  });

  it('never runs twice at once: ticks and calls while a run waits are skipped, and the next tick after it runs', async () => {
    let runs = 0;
    let running = 0;
    let most = 0;
    let held = gate();
    periodic = new PeriodicRun(async () => {
      runs++;
      running++;
      most = Math.max(most, running);
      await held.wait;
      running--;
    }, options());
    periodic.start();
    await settle();
    for (let i = 0; i < 5; i++) {
      jest.advanceTimersByTime(1_000);
      periodic.now();
      await settle();
    }
    expect([runs, most]).toEqual([1, 1]);

    held.open();
    await settle();
    held = gate();
    jest.advanceTimersByTime(1_000);
    await settle();
    expect([runs, most]).toEqual([2, 1]);
    held.open();
  });

  it('stops ticking, and stop resolves only once the run under way has ended', async () => {
    let runs = 0;
    const held = gate();
    let ended = false;
    periodic = new PeriodicRun(async () => {
      runs++;
      await held.wait;
      ended = true;
    }, options());
    periodic.start();
    await settle();
    let stopped = false;
    const stopping = periodic.stop().then(() => (stopped = true));
    // However long the run takes: no limit was set.
    jest.advanceTimersByTime(60_000);
    await settle();
    expect([stopped, ended]).toEqual([false, false]);
    held.open();
    await stopping;
    expect([stopped, ended, runs]).toEqual([true, true, 1]);
    // Stopped: neither the timer nor a call runs it again.
    periodic.now();
    jest.advanceTimersByTime(10_000);
    await settle();
    expect(runs).toBe(1);
  });

  it('waits at most stopWaitsAtMostMs for a run that does not end', async () => {
    const held = gate();
    periodic = new PeriodicRun(() => held.wait, options({ stopWaitsAtMostMs: 2_000 }));
    periodic.start();
    await settle();
    let stopped = false;
    const stopping = periodic.stop().then(() => (stopped = true));
    jest.advanceTimersByTime(1_999);
    await settle();
    expect(stopped).toBe(false);
    jest.advanceTimersByTime(1);
    await stopping;
    expect(stopped).toBe(true);
    held.open();
  });

  it('says a failed run in the log, and the next tick still runs', async () => {
    const outcomes: (() => Promise<void>)[] = [
      () => Promise.reject(new Error('PostgreSQL is away')),
      () => {
        throw new Error('thrown before any promise');
      },
      () => Promise.resolve(),
    ];
    let runs = 0;
    periodic = new PeriodicRun(() => outcomes[runs++](), options());
    periodic.start();
    await settle();
    jest.advanceTimersByTime(1_000);
    await settle();
    jest.advanceTimersByTime(1_000);
    await settle();
    expect(runs).toBe(3);
    expect(warnings).toEqual(['not swept: PostgreSQL is away', 'not swept: thrown before any promise']);
  });

  it('keeps no process up: its timer is unref’d', async () => {
    jest.useRealTimers();
    const timers: NodeJS.Timeout[] = [];
    const real = global.setInterval;
    const spy = jest.spyOn(global, 'setInterval').mockImplementation(((
      ...args: Parameters<typeof setInterval>
    ) => {
      const timer = real(...args);
      timers.push(timer);
      return timer;
    }) as typeof setInterval);
    try {
      periodic = new PeriodicRun(async () => undefined, options({ everyMs: 60_000 }));
      periodic.start();
      expect(timers).toHaveLength(1);
      expect(timers[0].hasRef()).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });
});
