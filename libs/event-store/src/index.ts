// The door of libs/event-store, the only way in for other libs, apps, scripts, benchmarks and tests:
// append and read streams, processors, upcasters, parked events, its migrations.
export * from './event.js';
export * from './concurrency.error.js';
export * from './upcaster.js';
export * from './event-store.js';
export * from './event-store-hooks.js';
export * from './append-statements.js';
export * from './command-transaction.js';
export * from './event-processor.js';
export * from './append-wake-ups.js';
export * from './append-notifier.js';
export * from './processor-holds.js';
export * from './parked-events.js';
export * from './aggregate-stream.js';
export * from './migrations.js';
export * from './command-metadata.js';
export * from './event-store.module.js';
export * from './log-integrity/log-digest.js';
export * from './log-integrity/log-checkpoints.js';
export * from './log-integrity/log-verifier.js';
export * from './personal-data/index.js';
export * from './log-integrity/chain-existing-events.js';
