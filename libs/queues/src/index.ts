export * from './redis.js';
export * from './queues.js';
export * from './outbox.js';
export * from './chasing-jobs.js';
export * from './delete-queue-keys.js';
