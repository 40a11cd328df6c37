// The door of libs/config, the only way in for other libs, apps, scripts, benchmarks and tests:
// environment validation, logging, shutdown and start-up checks.
export * from './config.js';
export * from './config.module.js';
export * from './logging.js';
export * from './app-logger.js';
export * from './log-format.js';
export * from './trust-proxy.js';
export * from './startup.js';
export * from './shutdown.js';
