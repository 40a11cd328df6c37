import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/src/index.js';
import { ParkedEvents } from '../../event-store/src/index.js';
import { within } from '../../kernel/src/index.js';
import { disconnectRedis, healthRedis, QUEUES } from '../../queues/src/index.js';
import {
  heldEvents,
  mailCounts,
  oldestTransactionSeconds,
  processorsBehind,
  queueDepths,
  relayLagSeconds,
} from './readings.js';

/** A scrape waits this long for each reading: a PostgreSQL or Redis that hangs must not hang Prometheus. */
const READING_TIMEOUT_MS = 2_000;

/**
 * What operators watch, in Prometheus' text format: the Node process's own metrics, and the product's signals
 * read from PostgreSQL and Redis at each scrape, so an api and a worker (or ten) all report the same truth and
 * nothing is lost on restart. A reading that fails is left out of that scrape and partner_returns_signal_up says
 * which (0), instead of failing the whole scrape.
 */
@Injectable()
export class OperatorSignals implements OnApplicationShutdown {
  private readonly logger = new Logger('OperatorSignals');
  readonly registry = new Registry();
  private readonly redis: Redis;
  private readonly queues: Queue[];
  private readonly parked: ParkedEvents;
  private readonly failing = new Set<string>();

  private readonly signalUp = this.gauge(
    'partner_returns_signal_up',
    'Whether this scrape could read the signal (1) or not (0).',
    ['signal'],
  );
  private readonly relayLag = this.gauge(
    'partner_returns_relay_lag_seconds',
    'How long the oldest event the outbox relay has not yet turned into jobs has waited since it was recorded (0: caught up).',
  );
  private readonly behind = this.gauge(
    'partner_returns_processor_events_behind',
    'Events a processor has not passed yet (behind its checkpoint, before the read fence).',
    ['processor'],
  );
  private readonly oldestTransaction = this.gauge(
    'partner_returns_oldest_transaction_seconds',
    'Age of the oldest open transaction on the PostgreSQL server: it holds back every processor.',
  );
  private readonly held = this.gauge(
    'partner_returns_parked_events',
    'Events a processor holds back: parked (waiting for an operator) or retrying.',
    ['processor', 'state'],
  );
  private readonly depth = this.gauge('partner_returns_queue_jobs', 'BullMQ jobs by queue and state.', [
    'queue',
    'state',
  ]);
  private readonly mails = new Counter({
    name: 'partner_returns_mails_total',
    help: 'Mail outcomes recorded in the mail ledgers (bounced: refused for good by the SMTP server, also counted as failed).',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    collectDefaultMetrics({ register: this.registry });
    this.parked = new ParkedEvents(dataSource);
    // One fail-fast client for all three queues: a scrape while Redis is away is told at once, never queued.
    this.redis = healthRedis(config.redisUrl);
    this.queues = Object.values(QUEUES).map((name) => {
      const queue = new Queue(name, { connection: this.redis, prefix: config.queuePrefix });
      // A Redis that is away is told by partner_returns_signal_up{signal="queues"} and one line, not per error.
      queue.on('error', () => undefined);
      return queue;
    });
  }

  /** Reads every signal, then renders the registry. */
  async scrape(): Promise<string> {
    await Promise.all([
      this.read('relay_lag', async () => this.relayLag.set(await relayLagSeconds(this.dataSource))),
      this.read('processors_behind', async () => {
        this.behind.reset();
        for (const p of await processorsBehind(this.parked))
          this.behind.set({ processor: p.processor }, p.behind);
      }),
      this.read('oldest_transaction', async () =>
        this.oldestTransaction.set(await oldestTransactionSeconds(this.dataSource)),
      ),
      this.read('parked_events', async () => {
        this.held.reset();
        for (const h of await heldEvents(this.dataSource)) {
          this.held.set({ processor: h.processor, state: h.state }, h.count);
        }
      }),
      this.read('queues', async () => {
        if (this.redis.status === 'wait' || this.redis.status === 'end') await this.redis.connect();
        const depths = await queueDepths(this.queues);
        this.depth.reset();
        for (const d of depths) this.depth.set({ queue: d.queue, state: d.state }, d.count);
      }),
      this.read('mails', async () => {
        const counts = await mailCounts(this.dataSource);
        // The ledger's events only grow, so the totals read from them only grow: a counter, set at each scrape.
        this.mails.reset();
        for (const c of counts) this.mails.inc({ kind: c.kind, outcome: c.outcome }, c.count);
      }),
    ]);
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** A reading that fails drops its series from this scrape, and is logged once until it reads again. */
  private async read(signal: string, reading: () => Promise<void>): Promise<void> {
    try {
      await within(READING_TIMEOUT_MS, reading);
      this.signalUp.set({ signal }, 1);
      if (this.failing.delete(signal)) this.logger.log(`metrics: ${signal} reads again`);
    } catch (error) {
      this.signalUp.set({ signal }, 0);
      if (!this.failing.has(signal)) {
        this.failing.add(signal);
        this.logger.warn(`metrics: ${signal} could not be read: ${(error as Error).message}`);
      }
    }
  }

  private gauge(name: string, help: string, labelNames: string[] = []): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.queues.map((q) => q.close().catch(() => undefined)));
    disconnectRedis(this.redis);
  }
}
