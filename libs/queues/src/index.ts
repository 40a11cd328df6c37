// The door of libs/queues, the only way in for other libs, apps, scripts, benchmarks and tests:
// queue and job names, job payloads, Redis, and the reactions mechanism the outbox relay runs.
export * from './redis.js';
export * from './queues.js';
export * from './outbox.js';
export * from './chasing-jobs.js';
export * from './delete-queue-keys.js';
export * from './redis-outage-log.js';
