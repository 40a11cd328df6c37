import { InjectQueue } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  EventProcessor,
  EventStore,
  NotReady,
  ProcessorRunOptions,
} from '../../../libs/event-store/src/index.js';
import { NoAnswerInTime, within } from '../../../libs/kernel/src/index.js';
import { OwedMails } from '../../../libs/mail/src/index.js';
import {
  chaseMailsJobs,
  jobsFor,
  mailOwedBy,
  QUEUES,
  reportRedisSilent,
} from '../../../libs/queues/src/index.js';
import { REACTIONS } from '../../composition/src/index.js';

export const RELAY_OPTIONS = Symbol('RELAY_OPTIONS');

const REDIS_WAIT_MS = 2_000;

/**
 * The outbox relay: a checkpointed processor that turns stored events into BullMQ jobs. Commands never touch
 * Redis; if Redis is away the relay waits and catches up, and the checkpoint only moves once the jobs are in.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly processor: EventProcessor;
  private readonly logger = new Logger('OutboxRelay');
  /** Redis answered the last check but refused its write: said once when it starts, once when it ends. */
  private writesRefused = false;

  constructor(
    @Inject(DataSource) dataSource: DataSource,
    @Inject(EventStore) store: EventStore,
    @InjectQueue(QUEUES.reporting) reporting: Queue,
    @InjectQueue(QUEUES.mail) mail: Queue,
    @InjectQueue(QUEUES.chasing) chasing: Queue,
    @Inject(RELAY_OPTIONS) options: ProcessorRunOptions,
    @Inject(OwedMails) owed: OwedMails,
  ) {
    const queues: Record<string, Queue> = {
      [QUEUES.reporting]: reporting,
      [QUEUES.mail]: mail,
      [QUEUES.chasing]: chasing,
    };
    this.processor = new EventProcessor(
      dataSource,
      store,
      {
        name: 'outbox-relay',
        batchSize: 200,
        // Redis away: fail fast, before the batch's transaction opens (it would hold back every subscriber).
        beforeBatch: async () => {
          // NotReady: the Redis outage is logged once, by RedisOutageLog, not on every try of the relay.
          const client = await within(
            REDIS_WAIT_MS,
            async () => reporting.backend.client,
            'Redis did not answer',
          ).catch(() => null);
          if (client?.status !== 'ready') throw new NotReady('Redis is not ready');
          // Connected but not answering is not an event's fault either: the batch waits, no event is held.
          // (The default backend is ioredis, whose clients ping.)
          const ping = () => (client as unknown as { ping(): Promise<string> }).ping();
          // A frozen Redis keeps its connections and answers nothing, so no queue ever reports it: said here, once
          // for the outage (not as this processor's error on each try), and the outage log says when it is back.
          await within(REDIS_WAIT_MS, ping, 'Redis did not answer a ping').catch((error: Error) => {
            reportRedisSilent(reporting, error.message);
            throw new NotReady(error.message);
          });
          // Answering but refusing writes (READONLY from a replica after a failover, OOM at maxmemory) is no
          // event's fault either: a ping passes then, and each event's enqueue failed and was parked for an
          // operator. A short-lived key written is the check.
          const set = () =>
            (client as unknown as { set(...args: unknown[]): Promise<unknown> }).set(
              `${reporting.opts.prefix ?? 'bull'}:outbox-relay:writable`,
              '1',
              'PX',
              5_000,
            );
          try {
            await within(REDIS_WAIT_MS, set, 'Redis did not take a write');
            if (this.writesRefused) this.logger.log('Redis takes writes again: the relay goes on');
            this.writesRefused = false;
          } catch (error) {
            if (error instanceof NoAnswerInTime) {
              // Silent, not refusing: frozen between the ping and the write.
              reportRedisSilent(reporting, error.message);
              throw new NotReady(error.message);
            }
            if (!this.writesRefused)
              this.logger.warn(
                `Redis (REDIS_URL) answers but refuses writes (${(error as Error).message.split('\n')[0]}): ` +
                  'the relay waits, holding no event',
              );
            this.writesRefused = true;
            throw new NotReady('Redis refuses writes');
          }
        },
        handle: async (events, manager) => {
          // A batch's chase mails go as a few chase-mails jobs; each mail stays owed under its own job id below.
          const jobs = chaseMailsJobs(events.flatMap((event) => jobsFor(REACTIONS, event)));
          // The mail owed is recorded beside the checkpoint, so Redis is never its only record (see OwedMails).
          await owed.record(
            manager,
            events.flatMap((event) => mailOwedBy(REACTIONS, event)),
          );
          for (const [name, queue] of Object.entries(queues)) {
            const mine = jobs.filter((j) => j.queue === name);
            if (mine.length === 0) continue;
            // Time-boxed: if Redis goes mid-batch the batch rolls back and is tried again; jobs that did get in
            // meanwhile carry the same ids next time, so BullMQ keeps one of each.
            await within(
              REDIS_WAIT_MS,
              () =>
                queue.addBulk(mine.map((j) => ({ name: j.name, data: j.data, opts: { jobId: j.jobId } }))),
              'Redis did not take the jobs',
            );
          }
        },
      },
      { ...options, lockRetryMs: 2000 },
    );
  }

  onApplicationBootstrap(): void {
    this.processor.start();
  }

  /** Stops reading events before @nestjs/bullmq closes the workers and then the queues. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.processor.stop();
  }
}
