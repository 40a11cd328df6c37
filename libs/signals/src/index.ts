// The door of libs/signals, the only way in for other libs, apps, scripts, benchmarks and tests:
// what operators watch (Prometheus metrics) and who may read it.
export * from './operator-signals.js';
export * from './metrics-token.js';
export * from './readings.js';
export * from './signals.module.js';
