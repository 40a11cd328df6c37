import { Logger } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { Processor, Queue, QueueOptions, Worker, WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { addressOf, DEPENDENCY_TIMEOUT_MS } from '../../config/src/index.js';
import { within } from '../../kernel/src/index.js';
import { endRedisNow, pingRedis } from './redis.js';

/** Errors that mean Redis cannot be reached, as opposed to a command Redis refused. */
const CONNECTION_ERROR =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|Connection is closed|Stream isn't writeable/i;

/**
 * BullMQ's answers when a job in hand lost its lock: after Redis was away (or frozen) longer than the lock, every
 * job in hand says so, each under its own id, when Redis answers again.
 */
const LOCK_LOST = /could not renew lock for job|missing lock for job|lock mismatch for job/i;

const PROBE_EVERY_MS = 1_000;
const SAY_AGAIN_AFTER_MS = 60_000;

/**
 * One log line when a Redis goes away and one when it is back, naming REDIS_URL, instead of a trace from every
 * queue and worker on every reconnect (BullMQ prints each 'error' to the console when nobody listens). While
 * it is away a probe of its own tries it every second, so the line saying it is back comes once it answers.
 */
class RedisOutage {
  private readonly logger = new Logger('Redis');
  private readonly users = new Set<object>();
  private downSince: number | null = null;
  /** When it last answered again after an outage: the jobs in hand then lost their locks, as the line said. */
  private backAt = 0;
  private probing = false;
  private probe: Redis | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Each answer Redis gave with an error, and when it was last said. */
  private readonly said = new Map<string, number>();

  constructor(private readonly url: string) {}

  private get address(): string {
    return addressOf(this.url, 6379);
  }

  /** Said to be away (a connection error, or silent) and not yet answering again. */
  get away(): boolean {
    return this.downSince !== null;
  }

  use(user: object): void {
    this.users.add(user);
  }

  /** The queue or worker closed: once none is left, nothing waits for Redis here any more. */
  release(user: object): void {
    this.users.delete(user);
    if (this.users.size === 0) this.stopProbing();
  }

  report(error: Error): void {
    const text = `${(error as { code?: string }).code ?? ''} ${error.message}`;
    if (CONNECTION_ERROR.test(text)) return this.wentAway(`cannot be reached (${error.message})`);
    if (LOCK_LOST.test(error.message)) return this.lockLost(error.message);
    if (this.saidLately(error.message)) return;
    this.logger.warn(`Redis at ${this.address} answered with an error: ${error.message}`);
  }

  /**
   * Connected and silent (a frozen server, a network that drops packets): no connection error ever comes, so
   * whoever timed it out says so here (the outbox relay's ping), and the probe says when it answers again.
   */
  silent(reason: string): void {
    this.wentAway(`does not answer (${reason})`);
  }

  private wentAway(why: string): void {
    if (this.downSince !== null) return;
    this.downSince = Date.now();
    this.logger.error(
      `REDIS_URL: Redis at ${this.address} ${why.replace(/\s+/g, ' ')}; jobs and mail wait until it is back, nothing is lost`,
    );
    this.startProbing();
  }

  /**
   * A job in hand lost its lock. Around an outage each job said so, once per job and per BullMQ step (renew,
   * finish, delay), when Redis came back: a page of warnings after the one line that said it was back. They are
   * what that line's "nothing is lost" covers (BullMQ takes such jobs up again as stalled), so they are not said
   * while it is away or in the minute after it is back; at any other time, one line a minute, whatever the job.
   */
  private lockLost(message: string): void {
    if (this.downSince !== null || Date.now() - this.backAt < SAY_AGAIN_AFTER_MS) return;
    if (this.saidLately('lock lost')) return;
    this.logger.warn(
      `Redis at ${this.address}: jobs in hand lost their lock (${message}); BullMQ takes them up again as ` +
        'stalled (said once a minute, whatever the job)',
    );
  }

  /**
   * Whether this answer was said in the last minute. BullMQ retries what failed: a job's lock it cannot renew
   * (Redis emptied under it) fails again every half lock until the job ends, and was a warning each time.
   */
  private saidLately(message: string): boolean {
    const now = Date.now();
    for (const [said, at] of this.said) if (now - at >= SAY_AGAIN_AFTER_MS) this.said.delete(said);
    if (this.said.has(message)) return true;
    this.said.set(message, now);
    return false;
  }

  private startProbing(): void {
    if (this.timer) return;
    this.probe = new Redis(this.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: DEPENDENCY_TIMEOUT_MS,
      retryStrategy: () => null,
    });
    this.probe.on('error', () => undefined);
    this.timer = setInterval(() => void this.tryProbe(), PROBE_EVERY_MS);
    this.timer.unref();
  }

  private async tryProbe(): Promise<void> {
    const probe = this.probe;
    // One try at a time: a frozen server holds a ping unanswered, and one a second would pile up behind it.
    if (!probe || this.probing || probe.status === 'connecting' || probe.status === 'connect') return;
    this.probing = true;
    try {
      if (probe.status !== 'ready') await probe.connect();
      await probe.ping();
    } catch {
      // Not disconnect(): on a probe that failed to connect (ended) it armed a 2 s timer each second.
      endRedisNow(probe);
      return;
    } finally {
      this.probing = false;
    }
    if (this.downSince === null) return;
    const seconds = Math.round((Date.now() - this.downSince) / 1000);
    this.downSince = null;
    this.backAt = Date.now();
    this.stopProbing();
    this.logger.log(`REDIS_URL: Redis at ${this.address} answers again after ${seconds} s`);
  }

  private stopProbing(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.probe) endRedisNow(this.probe);
    this.probe = null;
  }
}

const outages = new Map<string, RedisOutage>();

/** The outage log of the Redis a queue or worker connects to (one per URL in the process). */
function outageOf(options: { connection?: unknown } | undefined): RedisOutage {
  const url = (options?.connection as { url?: string } | undefined)?.url ?? 'redis://127.0.0.1:6379';
  let outage = outages.get(url);
  if (!outage) {
    outage = new RedisOutage(url);
    outages.set(url, outage);
  }
  return outage;
}

/**
 * Says that the Redis a queue connects to does not answer (see RedisOutage.silent): one line for the outage,
 * however many times it is said, and one when it answers again.
 */
export function reportRedisSilent(queue: { opts: { connection?: unknown } }, reason: string): void {
  outageOf(queue.opts).silent(reason);
}

/** Listens to its own errors from the start, so not one of them reaches the console as a trace. */
export class ReportingQueue extends Queue {
  constructor(name: string, options?: QueueOptions) {
    super(name, options);
    const outage = outageOf(options);
    outage.use(this);
    // A queue closing reports its connection closed: that is not an outage.
    this.on('error', (error: Error) => (this.closing ? undefined : outage.report(error)));
    const close = this.close.bind(this);
    this.close = async () => {
      outage.release(this);
      // With Redis away, close's QUIT waits behind every command queued for it, for as long as it is away: a
      // worker stopped then waited out its shutdown limit and exited as hung. What those commands were for is
      // owed still in PostgreSQL (the relay, the reconciler and the schedules do it again), so they are dropped.
      // Forced: its QUIT would wait behind them, and ioredis's disconnect of a connection already reconnecting
      // leaves it reconnecting, its commands unanswered (a queue a job in hand had just added to never closed).
      // Its clients are ended first (endRedisNow): BullMQ's forced close disconnects them, and ioredis armed a 2 s
      // timer on each to destroy a socket closed long before, keeping the process up after its close.
      if (await redisAway(this, outage)) {
        for (const client of await clientsOf(this)) endRedisNow(client);
        await this.getBackend().close(true);
      }
      return close();
    };
  }
}

export class ReportingWorker extends Worker {
  constructor(name: string, processor?: string | URL | null | Processor, options?: WorkerOptions) {
    const inHand = new JobsInHand();
    super(name, typeof processor === 'function' ? inHand.counting(processor) : processor, options);
    const outage = outageOf(options);
    outage.use(this);
    this.on('error', (error: Error) => (this.closing ? undefined : outage.report(error)));
    const close = this.close.bind(this);
    this.close = async (force?: boolean) => {
      outage.release(this);
      if (force || this.closing) return close(force);
      if (!(await redisAway(this, outage))) return this.closeUnlessRedisGoes(close, outage, inHand);
      // Redis away: BullMQ's close waits for it to take the outcomes of the jobs in hand, and its QUIT, however
      // long it is away. The jobs' own work is still let end (a mail sent is recorded sent in PostgreSQL before
      // the database closes); what Redis did not hear of, it hands out again once the jobs' locks lapse, and each
      // job finds in PostgreSQL what was done. Not past a moment, though: a job that is itself waiting on Redis (a
      // chase scan adding mail jobs when Redis went) never ends, and the stop ran out its limit as hung.
      await inHand.none(JOBS_IN_HAND_GRACE_MS);
      // Ended first, as a queue's: see ReportingQueue.
      for (const client of await clientsOf(this)) endRedisNow(client);
      return close(true);
    };
  }

  /**
   * BullMQ's own close, with Redis here when it began: it waits for the jobs in hand, for Redis to take their
   * outcomes, and for its QUIT. Redis going meanwhile (a host restarted with the service) left it waiting for as
   * long as Redis was away, and the stop ran out its limit as hung. So the close watches the connection as it
   * waits: once it drops (or any client here says Redis is away), the jobs in hand are let end as above, and the
   * worker's clients are ended, failing the commands they hold, so that BullMQ's close goes on without them.
   */
  private async closeUnlessRedisGoes(
    close: (force?: boolean) => Promise<void>,
    outage: RedisOutage,
    inHand: JobsInHand,
  ): Promise<void> {
    const closing = close();
    let watching = true;
    const watch = (async () => {
      while (watching && !(await connectionDropped(this, outage)))
        await new Promise((resolve) => setTimeout(resolve, WATCH_EVERY_MS));
      if (!watching) return;
      await inHand.none(JOBS_IN_HAND_GRACE_MS);
      for (const client of await clientsOf(this)) endRedisNow(client);
    })();
    try {
      await closing;
    } finally {
      watching = false;
      await watch;
    }
  }
}

/** How long a close with Redis away waits for the jobs in hand: a mail's send and its record take far less. */
const JOBS_IN_HAND_GRACE_MS = 1_500;

/** How often a close that waits for Redis looks whether it is still there. */
const WATCH_EVERY_MS = 100;

/** The processor's runs under way, so that a close can wait for them without waiting for Redis. */
class JobsInHand {
  private count = 0;
  private idle: (() => void)[] = [];

  counting<T, R, N extends string>(processor: Processor<T, R, N>): Processor<T, R, N> {
    return async (...args) => {
      this.count += 1;
      try {
        return await processor(...args);
      } finally {
        this.count -= 1;
        if (this.count === 0) for (const resolve of this.idle.splice(0)) resolve();
      }
    };
  }

  /** Once no run is under way, or after `graceMs`, whichever comes first. */
  async none(graceMs: number): Promise<void> {
    if (this.count === 0) return;
    await within(graceMs, () => new Promise<void>((resolve) => this.idle.push(resolve))).catch(
      () => undefined,
    );
  }
}

/**
 * Whether this queue's or worker's Redis is away: said away by any of the process's clients of it, or its own
 * connection not ready (dropped a moment ago, before any error was said; or never made).
 */
async function redisAway(user: Queue | Worker, outage: RedisOutage): Promise<boolean> {
  // The client is a promise that waits for the first connection: a Redis never reached never gives it.
  const client = await within(100, () => user.getBackend().client).catch(() => null);
  if (outage.away || client?.status !== 'ready') return true;
  // A Redis stopped a moment ago can still read as ready here, before its connection's end has been seen; asked,
  // it does not answer. (BullMQ's client interface has no PING; the client under it is this service's ioredis.)
  return within(300, () => pingRedis(client as unknown as Redis)).then(
    () => false,
    () => true,
  );
}

/** The ioredis clients of a queue or worker that have connected (a worker's blocking one too). */
async function clientsOf(user: Queue | Worker): Promise<Redis[]> {
  const backend = user.getBackend() as { client: Promise<unknown>; blockingClient?: Promise<unknown> };
  const made = await Promise.all(
    [backend.client, backend.blockingClient]
      .filter((client) => client !== undefined)
      .map((client) => within(100, () => client!).catch(() => null)),
  );
  return made.filter((client): client is Redis => client instanceof Redis);
}

/**
 * Whether a queue's or worker's connection to Redis has dropped (reconnecting, or trying to) since it was ready,
 * or a client of the process has said Redis away. Its main connection only: BullMQ's close itself drops a worker's
 * blocking one. Not a frozen Redis: its connection stays up.
 */
async function connectionDropped(user: Queue | Worker, outage: RedisOutage): Promise<boolean> {
  if (outage.away) return true;
  const client = await within(100, () => user.getBackend().client).catch(() => null);
  return ['close', 'reconnecting', 'connecting'].includes(
    (client as { status?: string } | null)?.status ?? '',
  );
}

/**
 * @nestjs/bullmq makes every queue and worker from these classes (its hook for BullMQ Pro's own): each app that
 * calls this before registering its queues gets the one-line outage log. A call, not an import's side effect, so
 * importing libs/queues changes nothing by itself.
 */
export function logRedisOutages(): void {
  BullModule.queueClass = ReportingQueue;
  BullModule.workerClass = ReportingWorker;
}
