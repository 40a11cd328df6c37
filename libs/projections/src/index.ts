// The door of libs/projections, the only way in for other libs, apps, scripts, benchmarks and tests:
// what a read model is to the rebuild, and the rebuild itself.
export * from './read-model.js';
export * from './progress-bar.js';
export * from './rebuild-read-models.js';
