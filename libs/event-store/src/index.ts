export * from './event.js';
export * from './concurrency.error.js';
export * from './upcaster.js';
export * from './event-store.js';
export * from './event-processor.js';
export * from './processor-holds.js';
export * from './parked-events.js';
export * from './aggregate-stream.js';
export { EventStore1764000000000 } from './migrations/1764000000000-event-store.js';
