export * from './ensure-database.js';
export * from './data-source-options.js';
export * from './open-database.js';
export * from './database.module.js';
export * from './prepared-query.js';
