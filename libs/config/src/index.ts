export * from './config.js';
export * from './config.module.js';
export * from './logging.js';
export * from './trust-proxy.js';
export * from './startup.js';
