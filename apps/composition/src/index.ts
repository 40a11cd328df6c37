// What the product is composed of: the lists each lib owns, put together once for the apps, scripts, benchmarks
// and tests.
export * from './migrations.js';
export * from './reactions.js';
export * from './read-models.js';
