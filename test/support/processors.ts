import { QueueKeys } from 'bullmq';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { RETENTION_JOB } from '../../apps/worker/src/retention.schedule.js';
import { AppConfig } from '../../libs/config/src/index.js';
import { ParkedEvent, ParkedEvents } from '../../libs/event-store/src/index.js';
import { CHASING_JOBS, QUEUES } from '../../libs/queues/src/index.js';
import { untilEventsVisible } from './test-database.js';

/** The worker's event processors: the outbox relay, the return-status and the reporting projections. */
export const PROCESSORS = ['outbox-relay', 'return-status', 'reporting'] as const;

/** Whether every named processor's checkpoint is at or past the event at `position`. */
export async function processorsPassed(
  dataSource: DataSource,
  position: number,
  processors: readonly string[] = PROCESSORS,
): Promise<boolean> {
  const [{ passed }]: { passed: number }[] = await dataSource.query(
    `SELECT count(*)::int AS passed FROM processor_checkpoints c JOIN events e ON e.global_position = $1
     WHERE c.name = ANY($2::text[])
       AND (c.transaction_id, c.global_position) >= (e.transaction_id, e.global_position)`,
    [position, processors],
  );
  return passed === processors.length;
}

/**
 * Waits until every named processor has passed the last event stored when it was called (its checkpoint, moved
 * in the transaction that applied the event); returns that event's position. What a test waits on instead of
 * sleeping to see "that nothing more arrives": once the relay has passed an event, its jobs are in Redis.
 */
export async function untilProcessorsPass(
  dataSource: DataSource,
  processors: readonly string[] = PROCESSORS,
  timeoutMs = 15_000,
): Promise<number> {
  const [{ last }]: { last: string | null }[] = await dataSource.query(
    'SELECT max(global_position) AS last FROM events',
  );
  if (last === null) return 0;
  const position = Number(last);
  await untilEventsVisible(dataSource, timeoutMs);
  const deadline = Date.now() + timeoutMs;
  while (!(await processorsPassed(dataSource, position, processors))) {
    if (Date.now() > deadline) {
      const rows = await dataSource.query('SELECT name, global_position FROM processor_checkpoints');
      throw new Error(`processors did not pass event ${position}: ${JSON.stringify(rows)}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return position;
}

/** The worker's own schedules (the scan, the nightly retention run): their next job always waits for its time. */
const SCHEDULED = new Set<string>([CHASING_JOBS.scan, RETENTION_JOB]);

/**
 * Jobs still owed (waiting, running, or delayed for a retry, except a schedule's next run), each as "queue state
 * id" so a test that times out says which. Read from every queue at one instant: one MULTI, which Redis runs
 * whole. Queue by queue, a scan that enqueued a digest between the look at the mail queue and the look at its own
 * queue (finished by then) was missed, and the test went on with the digest still being sent.
 */
async function jobsOwed(redis: Redis, prefix: string): Promise<string[]> {
  const keys = new QueueKeys(prefix);
  const names = Object.values(QUEUES);
  const states = ['wait', 'active', 'prioritized', 'waiting-children', 'delayed'] as const;
  const multi = redis.multi();
  for (const name of names)
    for (const state of states) {
      const key = keys.toKey(name, state);
      if (state === 'wait' || state === 'active') multi.lrange(key, 0, -1);
      else multi.zrange(key, 0, -1);
    }
  const replies = (await multi.exec()) ?? [];
  const owed: string[] = [];
  const delayed: { queue: string; id: string }[] = [];
  replies.forEach(([error, reply], i) => {
    if (error) throw error;
    const queue = names[Math.floor(i / states.length)];
    const state = states[i % states.length];
    for (const id of reply as string[]) {
      if (state === 'delayed') delayed.push({ queue, id });
      else owed.push(`${queue} ${state} ${id}`);
    }
  });
  // A delayed job's name never changes; one gone meanwhile (null) has run, and counts until the next look.
  const delayedNames = await Promise.all(
    delayed.map(({ queue, id }) => redis.hget(keys.toKey(queue, id), 'name')),
  );
  delayed.forEach(({ queue, id }, i) => {
    const name = delayedNames[i];
    if (name === null || !SCHEDULED.has(name)) owed.push(`${queue} delayed ${id}`);
  });
  return owed;
}

/**
 * Waits until the worker has nothing left to do: every processor has passed the last event, no job is owed,
 * and no event was added meanwhile (a job's own events, such as a mail's ReminderSent, go round again). Then
 * anything the events cause has happened, and a test can count what arrived.
 */
export async function untilQuiet(
  product: { db: { dataSource: DataSource }; config: Pick<AppConfig, 'redisUrl' | 'queuePrefix'> },
  timeoutMs = 30_000,
): Promise<void> {
  const redis = new Redis(product.config.redisUrl, { maxRetriesPerRequest: null });
  const deadline = Date.now() + timeoutMs;
  try {
    for (;;) {
      const last = await untilProcessorsPass(product.db.dataSource, PROCESSORS, timeoutMs);
      const owed = await jobsOwed(redis, product.config.queuePrefix);
      const [{ now }]: { now: string | null }[] = await product.db.dataSource.query(
        'SELECT max(global_position) AS now FROM events',
      );
      if (owed.length === 0 && Number(now) === last) return;
      if (Date.now() > deadline)
        throw new Error(`not quiet in time: ${owed.length} jobs owed (${owed.slice(0, 5).join(', ')})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  } finally {
    redis.disconnect();
  }
}

/**
 * The events any processor holds back (parked, or failed and waiting for another try), once the processors have
 * passed every event stored: what a test asserts is empty when nothing may have stopped a processor.
 */
export async function heldEvents(
  dataSource: DataSource,
  processors: readonly string[] = PROCESSORS,
): Promise<ParkedEvent[]> {
  await untilProcessorsPass(dataSource, processors);
  return new ParkedEvents(dataSource).list();
}

/** Throws, naming each, when any processor holds an event back (see heldEvents). */
export async function expectNoHeldEvents(
  dataSource: DataSource,
  processors: readonly string[] = PROCESSORS,
): Promise<void> {
  const held = await heldEvents(dataSource, processors);
  if (held.length === 0) return;
  throw new Error(
    `processors hold events back:\n${held
      .map(
        (h) =>
          `  ${h.processor} event ${h.globalPosition} (${h.type} in ${h.streamId}), ${h.state}: ${h.error}`,
      )
      .join('\n')}`,
  );
}
